/*
 * Structures and constants passed across the system-call boundary. Fixed-width
 * types only (user code is LLP64: `long` is 32 bits there), with layouts pinned by
 * static assertions so the kernel and ntdll can never disagree.
 */
#ifndef ABI_TYPES_H
#define ABI_TYPES_H

#include <stdint.h>

/* DmAllocateVirtualMemory / DmFreeVirtualMemory `type` (Windows values). */
#define MEM_COMMIT      0x00001000u
#define MEM_RESERVE     0x00002000u
#define MEM_DECOMMIT    0x00004000u
#define MEM_RELEASE     0x00008000u
#define MEM_FREE        0x00010000u /* dormer_memory_info.state */
#define MEM_PRIVATE     0x00020000u
#define MEM_IMAGE       0x01000000u

/* Page protections (Windows values). */
#define PAGE_NOACCESS           0x01u
#define PAGE_READONLY           0x02u
#define PAGE_READWRITE          0x04u
#define PAGE_EXECUTE            0x10u
#define PAGE_EXECUTE_READ       0x20u
#define PAGE_EXECUTE_READWRITE  0x40u
#define PAGE_GUARD              0x100u

#define DORMER_CURRENT_PROCESS  ((uint64_t)-1)

/* DmQueryVirtualMemory: the shape of Windows' MEMORY_BASIC_INFORMATION. */
struct dormer_memory_info {
    uint64_t base_address;       /*  0: page containing the address */
    uint64_t allocation_base;    /*  8: start of its reservation */
    uint32_t allocation_protect; /* 16 */
    uint32_t pad0;               /* 20 */
    uint64_t region_size;        /* 24: bytes from base_address with the same state */
    uint32_t state;              /* 32: MEM_COMMIT, MEM_RESERVE or MEM_FREE */
    uint32_t protect;            /* 36 */
    uint32_t type;               /* 40: MEM_PRIVATE or MEM_IMAGE */
    uint32_t pad1;               /* 44 */
};
_Static_assert(sizeof(struct dormer_memory_info) == 48, "MEMORY_BASIC_INFORMATION layout");

/* DmQuerySystemInformation classes. */
#define DORMER_INFO_MEMORY 1
#define DORMER_INFO_KERNEL 2 /* struct dormer_kernel_counters */

struct dormer_memory_counters {
    uint64_t page_size;      /* 0 */
    uint64_t total_frames;   /* 8 */
    uint64_t free_frames;    /* 16 */
    uint64_t used_frames;    /* 24 */
    uint64_t process_pages;  /* 32: pages mapped into the calling process */
    uint64_t shared_frames;  /* 40: of used_frames, those holding images shared by
                                every process that loads them */
};
_Static_assert(sizeof(struct dormer_memory_counters) == 48, "layout");

/* DORMER_INFO_KERNEL: what the kernel holds for everyone, for leak checks (sysfuzz,
 * t_exhaust): after a program has ended these come back to where they were. */
struct dormer_kernel_counters {
    uint64_t used_frames;     /*  0: as DORMER_INFO_MEMORY, less the heap's own pages
                                     and shared image frames */
    uint64_t heap_bytes;      /*  8: kernel heap bytes in live blocks */
    uint64_t heap_blocks;     /* 16: live kernel heap blocks */
    uint64_t objects;         /* 24: kernel objects alive (processes, threads, events, ...) */
    uint64_t handles;         /* 32: handles open in every process together */
    uint64_t injected_faults; /* 40: allocations failed on purpose (faultinject=) */
};
_Static_assert(sizeof(struct dormer_kernel_counters) == 48, "layout");

/* Pseudo-handles. */
#define DORMER_CURRENT_THREAD   ((uint64_t)-2)
/* A standard handle of DmCreateProcessStd that names the console itself (0 there means
 * "inherit the caller's"). */
#define DORMER_STD_CONSOLE      ((uint64_t)-3)
#define DORMER_INFINITE         ((uint64_t)-1)
#define DORMER_MAX_WAIT_OBJECTS 64

/* Thread priorities (Windows' names, fewer levels). Higher runs first; a thread
 * that waits too long is boosted, so none starves. */
#define DORMER_PRIORITY_IDLE     0
#define DORMER_PRIORITY_LOW      1
#define DORMER_PRIORITY_NORMAL   2
#define DORMER_PRIORITY_HIGH     3
#define DORMER_PRIORITY_REALTIME 4

/* DmQuerySystemProcesses entries. */
#define DORMER_PROCESS_RUNNING 1
#define DORMER_PROCESS_EXITED  2 /* ended; its record stays while handles to it exist */

struct dormer_process_info {
    uint64_t pid;            /*  0 */
    uint64_t parent_pid;     /*  8 */
    uint64_t threads;        /* 16: threads still running */
    uint64_t resident_pages; /* 24: frames mapped into it */
    uint32_t state;          /* 32: DORMER_PROCESS_* */
    int32_t exit_status;     /* 36: when exited */
    char name[64];           /* 40: NUL-terminated */
};
_Static_assert(sizeof(struct dormer_process_info) == 104, "layout");

#endif
