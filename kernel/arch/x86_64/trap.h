/*
 * The register frame every interrupt, exception (and later every syscall) saves on
 * the kernel stack. isr.S builds it; the byte offsets are fixed by that code.
 */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include <stdint.h>

struct trap_frame {
    uint64_t r15;    /*   0 */
    uint64_t r14;    /*   8 */
    uint64_t r13;    /*  16 */
    uint64_t r12;    /*  24 */
    uint64_t r11;    /*  32 */
    uint64_t r10;    /*  40 */
    uint64_t r9;     /*  48 */
    uint64_t r8;     /*  56 */
    uint64_t rbp;    /*  64 */
    uint64_t rdi;    /*  72 */
    uint64_t rsi;    /*  80 */
    uint64_t rdx;    /*  88 */
    uint64_t rcx;    /*  96 */
    uint64_t rbx;    /* 104 */
    uint64_t rax;    /* 112 */
    uint64_t vector; /* 120: pushed by the stub */
    uint64_t error;  /* 128: CPU error code, or 0 from the stub */
    uint64_t rip;    /* 136: pushed by the CPU from here on */
    uint64_t cs;     /* 144 */
    uint64_t rflags; /* 152 */
    uint64_t rsp;    /* 160 */
    uint64_t ss;     /* 168 */
};

_Static_assert(sizeof(struct trap_frame) == 176, "isr.S pushes 22 quadwords");
_Static_assert(__builtin_offsetof(struct trap_frame, vector) == 120, "isr.S layout");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) == 136, "isr.S layout");

/* C entry from isr.S, on the interrupted context's kernel stack (or an IST stack). */
void trap_dispatch(struct trap_frame *f);

/* Addresses of the 256 entry stubs, in vector order (isr.S). */
extern const uint64_t isr_stub_table[256];

#endif
