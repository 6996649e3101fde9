/*
 * libFuzzer harness for ws2_32's DNS answer parser (userspace/dll/ws2_32/dns_msg.c).
 * Input: two bytes choosing the queried name and the address slots, then the answer.
 * It traps when the parser reports more addresses than it was given room for, or a
 * code other than an RCODE or DNS_MALFORMED; ASan catches any read outside the answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns_msg.h"

static const char *const names[] = { "web.dormer.test", "a", "WEB.Dormer.Test.",
                                     "x.y.z.very.deep.example" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t addrs[8];
    uint8_t query[DNS_QUERY_MAX];
    int count = -1;

    if (size < 2)
        return 0;
    const char *name = names[data[0] % 4];
    int max = data[1] % 9;
    if (dns_build_query(0x1234, name, query) == 0)
        __builtin_trap();
    /* A copy of exactly the answer's size, so ASan sees a read past its end. */
    size_t len = size - 2;
    uint8_t *msg = (uint8_t *)__builtin_malloc(len ? len : 1);
    memcpy(msg, data + 2, len);
    int rc = dns_parse_answer(msg, len, 0x1234, name, addrs, max, &count);
    __builtin_free(msg);
    if (rc != DNS_MALFORMED && (rc < 0 || rc > 15))
        __builtin_trap();
    if (count < 0 || count > max || (rc != DNS_RCODE_OK && count != 0))
        __builtin_trap();
    return 0;
}
