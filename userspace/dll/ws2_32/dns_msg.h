/*
 * DNS messages for ws2_32's resolver (RFC 1035): building an A query and reading the
 * answer. Pure code, no allocation and no C library, so the host fuzz harness
 * (fuzz_dns) runs it as is. The answer is hostile: every count, offset, length and
 * compression pointer is bounds-checked, and pointers may only go backwards.
 */
#ifndef WS2_DNS_MSG_H
#define WS2_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX  253 /* longest name in dotted text, without the final dot */
#define DNS_QUERY_MAX (12 + DNS_NAME_MAX + 2 + 4)

/* Answer codes (the header's RCODE), plus the parser's own refusal. */
#define DNS_RCODE_OK       0
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_MALFORMED      (-1) /* not an answer to our query, or broken */

/* Writes a recursive query for name's A records into out (DNS_QUERY_MAX bytes).
 * Returns its length, or 0 if name is not a valid host name (empty, a label over 63
 * bytes, an empty label, or over DNS_NAME_MAX). */
size_t dns_build_query(uint16_t id, const char *name, uint8_t *out);

/* Reads msg[0..len), the answer to the query with id for name: the header's RCODE, or
 * DNS_MALFORMED. With DNS_RCODE_OK, up to max IPv4 addresses (network order) of name,
 * directly or through CNAMEs inside the answer, go to addrs and their number to *count
 * (0: the name exists without addresses). */
int dns_parse_answer(const uint8_t *msg, size_t len, uint16_t id, const char *name,
                     uint32_t *addrs, int max, int *count);

#endif
