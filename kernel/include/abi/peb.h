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
    uint64_t ldr;                /* 0x18: struct dormer_ldr_data */
    uint64_t process_parameters; /* 0x20 */
    uint8_t reserved1[0x100 - 0x28];
};
_Static_assert(__builtin_offsetof(struct dormer_peb, process_parameters) == 0x20,
               "PEB.ProcessParameters");

/* LIST_ENTRY: circular, doubly linked, through user addresses. */
struct dormer_list_entry {
    uint64_t flink;
    uint64_t blink;
};

/* PEB_LDR_DATA: the lists of loaded images (PEB+0x18 points here). */
struct dormer_ldr_data {
    uint32_t length;                                  /* 0x00 */
    uint8_t initialized;                              /* 0x04: every DLL entry point ran */
    uint8_t pad0[3];
    uint64_t ss_handle;                               /* 0x08 */
    struct dormer_list_entry in_load_order;           /* 0x10: the .exe, then its DLLs */
    struct dormer_list_entry in_memory_order;         /* 0x20: the same order */
    struct dormer_list_entry in_initialization_order; /* 0x30: DLLs, each after those it imports */
    uint8_t reserved0[0x58 - 0x40];
};
_Static_assert(__builtin_offsetof(struct dormer_ldr_data, in_initialization_order) == 0x30,
               "PEB_LDR_DATA.InInitializationOrderModuleList");
_Static_assert(sizeof(struct dormer_ldr_data) == 0x58, "PEB_LDR_DATA size");

/* Flags of a loader entry (Windows' LDRP_* values). */
#define DORMER_LDR_IMAGE_DLL              0x00000004u
#define DORMER_LDR_ENTRY_PROCESSED        0x00004000u
#define DORMER_LDR_PROCESS_ATTACH_CALLED  0x00080000u

/* LoadCount of an image loaded with the program: it stays until the process ends (as
 * Windows' static imports do). */
#define DORMER_LDR_STATIC_COUNT 0xffffu

/* A process holds at most this many images; the loader entries are an array of this
 * many after PEB_LDR_DATA (slot i of the kernel's table is entry i), and each entry's
 * full path has DORMER_IMAGE_PATH_CHARS UTF-16 units in the paths area. */
#define DORMER_MAX_IMAGES       16
#define DORMER_IMAGE_PATH_CHARS 256

/* DmLoadImage's answer. The kernel has filled the loader entry of each new slot (all
 * but its links); ntdll links them into its lists and runs their entry points. */
struct dormer_load_result {
    uint64_t base;       /* 0x00: the image asked for */
    uint32_t slot;       /* 0x08: its entry's index */
    uint32_t count;      /* 0x0c: images this call loaded (0: it was loaded already) */
    uint8_t new_slots[DORMER_MAX_IMAGES]; /* 0x10: theirs, in initialization order */
};
_Static_assert(sizeof(struct dormer_load_result) == 0x20, "dormer_load_result");

/* LDR_DATA_TABLE_ENTRY up to TlsIndex, then Dormer's room for the name. */
struct dormer_ldr_entry {
    struct dormer_list_entry in_load_order_links;           /* 0x00 */
    struct dormer_list_entry in_memory_order_links;         /* 0x10 */
    struct dormer_list_entry in_initialization_order_links; /* 0x20: DLLs only */
    uint64_t dll_base;                                      /* 0x30 */
    uint64_t entry_point;                                   /* 0x38: 0 = none */
    uint32_t size_of_image;                                 /* 0x40 */
    uint32_t pad0;
    struct dormer_unicode_string full_dll_name;             /* 0x48 */
    struct dormer_unicode_string base_dll_name;             /* 0x58 */
    uint32_t flags;                                         /* 0x68: DORMER_LDR_* */
    uint16_t load_count;                                    /* 0x6c */
    uint16_t tls_index;                                     /* 0x6e */
    uint8_t reserved0[0x80 - 0x70];
    uint16_t name[32];                                      /* 0x80: UTF-16, NUL-terminated */
};
_Static_assert(__builtin_offsetof(struct dormer_ldr_entry, dll_base) == 0x30,
               "LDR_DATA_TABLE_ENTRY.DllBase");
_Static_assert(__builtin_offsetof(struct dormer_ldr_entry, base_dll_name) == 0x58,
               "LDR_DATA_TABLE_ENTRY.BaseDllName");
_Static_assert(__builtin_offsetof(struct dormer_ldr_entry, flags) == 0x68,
               "LDR_DATA_TABLE_ENTRY.Flags");
_Static_assert(sizeof(struct dormer_ldr_entry) == 0xc0, "Dormer's entry size");

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
