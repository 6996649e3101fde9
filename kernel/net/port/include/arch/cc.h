/*
 * lwIP's compiler and platform definitions for Dormer's kernel: freestanding headers
 * only, diagnostics through printk, assertions through panic (an lwIP assertion is an
 * lwIP or port bug, never something a peer's traffic can cause).
 */
#ifndef DORMER_LWIP_ARCH_CC_H
#define DORMER_LWIP_ARCH_CC_H

#include <core/panic.h>
#include <core/printk.h>
#include <stddef.h>
#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN

#define LWIP_NO_INTTYPES_H 1
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_LIMITS_H 1
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif

#define LWIP_PLATFORM_DIAG(x) do { kprintf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) panic("lwIP assertion: %s (%s:%d)", x, __FILE__, __LINE__)

/* Random numbers for ports, IDs and DHCP's transaction IDs (not cryptographic). */
uint32_t net_port_rand(void);
#define LWIP_RAND() net_port_rand()

#endif
