/*
 * What ntdll's exception files share: Windows' RUNTIME_FUNCTION and
 * DISPATCHER_CONTEXT (x64 layouts), over the ABI's CONTEXT and EXCEPTION_RECORD.
 */
#ifndef NTDLL_EXCEPT_H
#define NTDLL_EXCEPT_H

#include <abi/exception.h>
#include <stdint.h>

struct ntdll_runtime_function {
    uint32_t begin, end, unwind;
};

struct ntdll_dispatcher_context {
    uint64_t control_pc;                      /* 0x00 */
    uint64_t image_base;                      /* 0x08 */
    struct ntdll_runtime_function *function;  /* 0x10 */
    uint64_t establisher_frame;               /* 0x18 */
    uint64_t target_ip;                       /* 0x20 */
    struct dormer_context *context;           /* 0x28 */
    void *language_handler;                   /* 0x30 */
    void *handler_data;                       /* 0x38 */
    void *history_table;                      /* 0x40 */
    uint32_t scope_index;                     /* 0x48 */
    uint32_t fill0;
};
_Static_assert(sizeof(struct ntdll_dispatcher_context) == 0x50, "DISPATCHER_CONTEXT");

typedef int (*ntdll_language_handler)(struct dormer_exception_record *rec, uint64_t frame,
                                      struct dormer_context *ctx,
                                      struct ntdll_dispatcher_context *dc);

struct ntdll_runtime_function *RtlLookupFunctionEntry(uint64_t pc, uint64_t *base, void *history);
void *RtlVirtualUnwind(uint32_t type, uint64_t base, uint64_t pc,
                       struct ntdll_runtime_function *fn, struct dormer_context *ctx,
                       void **handler_data, uint64_t *frame, void *ctx_pointers);
void RtlCaptureContext(struct dormer_context *ctx);
void RtlUnwindEx(void *target_frame, void *target_ip, struct dormer_exception_record *rec,
                 void *return_value, struct dormer_context *ctx, void *history);
void RtlUnwind(void *target_frame, void *target_ip, struct dormer_exception_record *rec,
               void *return_value);
void RtlRestoreContext(struct dormer_context *ctx, struct dormer_exception_record *rec);

/* EXCEPTION_POINTERS, and PVECTORED_EXCEPTION_HANDLER / the unhandled filter. */
struct exception_pointers {
    struct dormer_exception_record *record;
    struct dormer_context *context;
};
typedef int32_t (*vectored_handler)(struct exception_pointers *);

/* ntdll's exports, with Windows' prototypes (winnt.h / Wine's winternl.h). */
void *RtlAddVectoredExceptionHandler(uint32_t first, vectored_handler fn);
uint32_t RtlRemoveVectoredExceptionHandler(void *handle);
void *RtlAddVectoredContinueHandler(uint32_t first, vectored_handler fn);
uint32_t RtlRemoveVectoredContinueHandler(void *handle);
void RtlSetUnhandledExceptionFilter(vectored_handler filter);
uint8_t RtlDispatchException(struct dormer_exception_record *rec, struct dormer_context *ctx);
void RtlRaiseException(struct dormer_exception_record *rec);
uint16_t RtlCaptureStackBackTrace(uint32_t skip, uint32_t count, void **trace, uint32_t *hash);
void *RtlPcToFileHeader(void *pc, void **base);
uint8_t RtlAddFunctionTable(struct ntdll_runtime_function *table, uint32_t count, uint64_t base);
uint8_t RtlDeleteFunctionTable(struct ntdll_runtime_function *table);

/* Raises `code` as a noncontinuable exception caused by rec: nothing can handle a broken
 * dispatch or unwind, so the kernel's second chance ends the process with a report. */
__attribute__((noreturn)) void ntdll_raise_noncontinuable(uint32_t code,
                                                          struct dormer_exception_record *rec,
                                                          struct dormer_context *ctx);

/* except_entry.S: calls handler; ntdll_nested_handler (except.c) is its frame's handler. */
int ntdll_call_handler(struct dormer_exception_record *rec, uint64_t frame,
                       struct dormer_context *ctx, struct ntdll_dispatcher_context *dc,
                       ntdll_language_handler handler);
int ntdll_nested_handler(struct dormer_exception_record *rec, uint64_t frame,
                         struct dormer_context *ctx, struct ntdll_dispatcher_context *dc);
/* except_entry.S: calls an unwind handler for RtlUnwindEx; ntdll_collided_handler
 * (unwind_ex.c) is its frame's handler, for dispatches and unwinds alike. */
int ntdll_call_unwind_handler(struct dormer_exception_record *rec, uint64_t frame,
                              struct dormer_context *ctx, struct ntdll_dispatcher_context *dc,
                              ntdll_language_handler handler);
int ntdll_collided_handler(struct dormer_exception_record *rec, uint64_t frame,
                           struct dormer_context *ctx, struct ntdll_dispatcher_context *dc);
#define NTDLL_DISPOSITION_COLLIDED_UNWIND 3
/* ctx, the context at the frame a collision put in dc, one frame outwards. */
void ntdll_unwind_collided(const struct ntdll_dispatcher_context *dc, struct dormer_context *ctx);
int __C_specific_handler(struct dormer_exception_record *rec, uint64_t frame,
                         struct dormer_context *ctx, struct ntdll_dispatcher_context *dc);

/* except_entry.S's entry point, where the kernel delivers exceptions. */
extern char KiUserExceptionDispatcher[];

#endif
