/*
 * The per-process and per-thread blocks user code finds without a system call,
 * laid out at the offsets Windows x64 uses for the fields Dormer fills in, so that
 * code built for Windows (and Dormer's own kernel32 later) reads them in place:
 * the TEB is at gs:[0x30], the PEB at TEB+0x60, the parameters at PEB+0x20.
 */
#ifndef ABI_PEB_H
#define ABI_PEB_H

#include <stdint.h>

struct dormer_unicode_string {
    uint16_t length;         /* bytes, without the terminator */
    uint16_t maximum_length; /* bytes, with it */
    uint32_t pad;
    uint64_t buffer;         /* user address of UTF-16 text */
};
_Static_assert(sizeof(struct dormer_unicode_string) == 16, "UNICODE_STRING layout");

struct dormer_process_parameters {
    uint8_t reserved0[0x60];
    struct dormer_unicode_string image_path_name; /* 0x60 */
    struct dormer_unicode_string command_line;    /* 0x70 */
    /* Dormer's own additions, past everything Windows code reads. */
    uint8_t reserved1[0x400 - 0x80];
    uint64_t command_line_ansi;                   /* 0x400: user address, NUL-terminated */
    uint64_t command_line_ansi_length;            /* 0x408: bytes without the NUL */
};
_Static_assert(__builtin_offsetof(struct dormer_process_parameters, command_line) == 0x70,
               "RTL_USER_PROCESS_PARAMETERS.CommandLine");
_Static_assert(__builtin_offsetof(struct dormer_process_parameters, command_line_ansi) == 0x400,
               "Dormer extension");

struct dormer_peb {
    uint8_t reserved0[0x10];
    uint64_t image_base_address; /* 0x10 */
    uint64_t ldr;                /* 0x18: loader data (later) */
    uint64_t process_parameters; /* 0x20 */
    uint8_t reserved1[0x100 - 0x28];
};
_Static_assert(__builtin_offsetof(struct dormer_peb, process_parameters) == 0x20,
               "PEB.ProcessParameters");

struct dormer_teb {
    uint8_t reserved0[0x08];
    uint64_t stack_base;            /* 0x08: NT_TIB.StackBase (top) */
    uint64_t stack_limit;           /* 0x10: NT_TIB.StackLimit */
    uint8_t reserved1[0x30 - 0x18];
    uint64_t self;                  /* 0x30: NT_TIB.Self, what gs:[0x30] reads */
    uint8_t reserved2[0x40 - 0x38];
    uint64_t client_id_process;     /* 0x40 */
    uint64_t client_id_thread;      /* 0x48 */
    uint8_t reserved3[0x58 - 0x50];
    uint64_t thread_local_storage;  /* 0x58 */
    uint64_t process_environment_block; /* 0x60 */
    uint32_t last_error_value;      /* 0x68 */
    uint8_t reserved5[0x1480 - 0x6c];
    uint64_t tls_slots[64];         /* 0x1480: TlsGetValue/TlsSetValue, per thread */
    uint8_t reserved6[0x2000 - 0x1680];
};
_Static_assert(__builtin_offsetof(struct dormer_teb, self) == 0x30, "TEB.Self");
_Static_assert(__builtin_offsetof(struct dormer_teb, process_environment_block) == 0x60,
               "TEB.ProcessEnvironmentBlock");
_Static_assert(__builtin_offsetof(struct dormer_teb, tls_slots) == 0x1480, "TEB.TlsSlots");
_Static_assert(sizeof(struct dormer_teb) == 0x2000, "two pages");

#define DORMER_TEB_SIZE 0x2000

#endif
