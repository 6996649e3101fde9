/*
 * Exception dispatch in user mode, in Windows' order: vectored handlers, then the
 * language handlers of the frames on the stack (found by unwinding with the images'
 * .pdata/.xdata), then the unhandled-exception filter (kernel32's, through
 * RtlSetUnhandledExceptionFilter), and last NtRaiseException's second chance, where
 * the kernel prints its report. Every frame walked must lie inside the thread's stack
 * (TEB StackLimit..StackBase), so a corrupt stack ends the search, not the dispatcher.
 */
#include <dormer.h>

#include "ntdll_except.h"
#include "ntdll_priv.h"

#define EXPORT __declspec(dllexport)

#define EXCEPTION_CONTINUE_EXECUTION (-1)
#define EXCEPTION_CONTINUE_SEARCH    0
#define EXCEPTION_EXECUTE_HANDLER    1
#define DISPOSITION_CONTINUE_EXECUTION 0
#define DISPOSITION_CONTINUE_SEARCH    1
#define DISPOSITION_NESTED_EXCEPTION   2
#define STATUS_INVALID_DISPOSITION 0xC0000026u
#define UNW_FLAG_EHANDLER 1
#define STATUS_NONCONTINUABLE_EXCEPTION 0xC0000025u
#define MAX_VECTORED 64
#define MAX_FRAMES   1024


struct vectored {
    vectored_handler fn;
    uint32_t id;       /* 0: free */
};

/* Two lists: exception handlers [0] and continue handlers [1]; protected by veh_lock. */
static struct vectored veh[2][MAX_VECTORED];
static uint32_t veh_count[2], veh_next_id = 1;
static struct dormer_lock veh_lock;
static vectored_handler unhandled_filter;

static void *add_vectored(int list, uint32_t first, vectored_handler fn)
{
    void *handle = NULL;

    DormerAcquireLock(&veh_lock);
    if (veh_count[list] < MAX_VECTORED) {
        struct vectored *v = veh[list];
        uint32_t n = veh_count[list];
        if (first) {
            for (uint32_t i = n; i > 0; i--)
                v[i] = v[i - 1];
            n = 0;
        }
        v[n].fn = fn;
        v[n].id = veh_next_id++;
        handle = (void *)(uintptr_t)(((uint64_t)v[n].id << 4) | (uint64_t)(list + 1));
        veh_count[list]++;
    }
    DormerReleaseLock(&veh_lock);
    return handle;
}

static uint32_t remove_vectored(int list, void *handle)
{
    uint64_t h = (uint64_t)(uintptr_t)handle;
    uint32_t found = 0;

    if ((h & 15) != (uint64_t)(list + 1))
        return 0;
    DormerAcquireLock(&veh_lock);
    for (uint32_t i = 0; i < veh_count[list]; i++) {
        if (veh[list][i].id == (uint32_t)(h >> 4)) {
            for (uint32_t j = i; j + 1 < veh_count[list]; j++)
                veh[list][j] = veh[list][j + 1];
            veh_count[list]--;
            found = 1;
            break;
        }
    }
    DormerReleaseLock(&veh_lock);
    return found;
}

EXPORT void *RtlAddVectoredExceptionHandler(uint32_t first, vectored_handler fn)
{
    return add_vectored(0, first, fn);
}

EXPORT uint32_t RtlRemoveVectoredExceptionHandler(void *handle)
{
    return remove_vectored(0, handle);
}

EXPORT void *RtlAddVectoredContinueHandler(uint32_t first, vectored_handler fn)
{
    return add_vectored(1, first, fn);
}

EXPORT uint32_t RtlRemoveVectoredContinueHandler(void *handle)
{
    return remove_vectored(1, handle);
}

EXPORT void RtlSetUnhandledExceptionFilter(vectored_handler filter)
{
    unhandled_filter = filter;
}

/* Runs one list's handlers on a snapshot (a handler may add or remove handlers, or
 * raise again, without the lock held); CONTINUE_EXECUTION if one returned it. */
static int32_t call_vectored(int list, struct dormer_exception_record *rec,
                             struct dormer_context *ctx)
{
    vectored_handler fns[MAX_VECTORED];
    uint32_t n;
    struct exception_pointers ptrs = { rec, ctx };

    DormerAcquireLock(&veh_lock);
    n = veh_count[list];
    for (uint32_t i = 0; i < n; i++)
        fns[i] = veh[list][i].fn;
    DormerReleaseLock(&veh_lock);
    for (uint32_t i = 0; i < n; i++) {
        if (fns[i](&ptrs) == EXCEPTION_CONTINUE_EXECUTION)
            return EXCEPTION_CONTINUE_EXECUTION;
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

static int on_stack(uint64_t sp)
{
    const struct dormer_teb *teb = DormerGetTeb();

    return sp >= teb->stack_limit && sp < teb->stack_base && !(sp & 7);
}

/* The handler of ntdll_call_handler's frame. An exception raised inside a language
 * handler is dispatched through that frame: it names the frame the outer dispatch had
 * reached, so the inner one marks the frames up to it EXCEPTION_NESTED_CALL. */
int ntdll_nested_handler(struct dormer_exception_record *rec, uint64_t frame,
                         struct dormer_context *ctx, struct ntdll_dispatcher_context *dc)
{
    const struct ntdll_dispatcher_context *outer =
        *(struct ntdll_dispatcher_context *const *)(uintptr_t)(frame + 0x20);

    (void)ctx;
    if (rec->flags & (DORMER_EXCEPTION_UNWINDING | DORMER_EXCEPTION_EXIT_UNWIND))
        return DISPOSITION_CONTINUE_SEARCH;
    dc->establisher_frame = outer->establisher_frame;
    return DISPOSITION_NESTED_EXCEPTION;
}

void ntdll_raise_noncontinuable(uint32_t code, struct dormer_exception_record *rec,
                                struct dormer_context *ctx)
{
    struct dormer_exception_record nc = {
        .code = code, .flags = DORMER_EXCEPTION_NONCONTINUABLE,
        .record = (uint64_t)(uintptr_t)rec, .address = ctx->rip,
    };
    NtRaiseException(&nc, ctx, 0);
    NtTerminateProcess(DORMER_CURRENT_PROCESS, code);
    __builtin_unreachable();
}

/* The frame-based part: each frame's language handler, innermost first. 1 if one
 * asked to continue execution. As on Windows the DISPATCHER_CONTEXT's ContextRecord is
 * the walk's own copy (the handler's third argument is the real one): RtlUnwindEx, called
 * from a handler with it, may use it as scratch. */
static int dispatch_frames(struct dormer_exception_record *rec, struct dormer_context *ctx)
{
    struct dormer_context c = *ctx;
    uint64_t nested_frame = 0;

    for (int depth = 0; depth < MAX_FRAMES; depth++) {
        uint64_t base, frame, pc = c.rip;
        void *data;
        struct ntdll_runtime_function *fn = RtlLookupFunctionEntry(pc, &base, NULL);

        if (!on_stack(c.gpr[4]))
            break;
        if (!fn) {
            /* A leaf (or code with no tables): the return address is on top. */
            if (c.gpr[4] > DormerGetTeb()->stack_base - 8)
                break;
            c.rip = *(const uint64_t *)(uintptr_t)c.gpr[4];
            c.gpr[4] += 8;
        } else {
            ntdll_language_handler h = (ntdll_language_handler)RtlVirtualUnwind(
                UNW_FLAG_EHANDLER, base, pc, fn, &c, &data, &frame, NULL);
            if (!on_stack(frame) && frame != c.gpr[4])
                break;
            struct ntdll_dispatcher_context dc = {
                .control_pc = pc, .image_base = base, .function = fn,
                .establisher_frame = frame, .context = &c,
                .language_handler = (void *)h, .handler_data = data,
            };
            /* Repeated when the dispatch runs into an unwind in progress (an exception
             * raised by a handler RtlUnwindEx called): dc and c then name the frame that
             * unwind had reached, and the walk goes on from there. */
            while (h) {
                int disp = ntdll_call_handler(rec, frame, ctx, &dc, h);
                if (frame == nested_frame) {
                    /* Past the frame whose handler raised: no longer nested. */
                    rec->flags &= ~(uint32_t)DORMER_EXCEPTION_NESTED_CALL;
                    nested_frame = 0;
                }
                if (disp == DISPOSITION_CONTINUE_EXECUTION) {
                    if (rec->flags & DORMER_EXCEPTION_NONCONTINUABLE)
                        ntdll_raise_noncontinuable(STATUS_NONCONTINUABLE_EXCEPTION, rec, ctx);
                    return 1;
                }
                if (disp == NTDLL_DISPOSITION_COLLIDED_UNWIND) {
                    ntdll_unwind_collided(&dc, &c);
                    h = (ntdll_language_handler)dc.language_handler;
                    frame = dc.establisher_frame;
                    if (!on_stack(frame))
                        return 0;
                    continue;
                }
                if (disp == DISPOSITION_NESTED_EXCEPTION) {
                    rec->flags |= DORMER_EXCEPTION_NESTED_CALL;
                    if (dc.establisher_frame > nested_frame)
                        nested_frame = dc.establisher_frame;
                } else if (disp != DISPOSITION_CONTINUE_SEARCH) {
                    ntdll_raise_noncontinuable(STATUS_INVALID_DISPOSITION, rec, ctx);
                }
                break;
            }
        }
        if (!c.rip)
            break;
    }
    return 0;
}

/* RtlDispatchException: TRUE if a handler fixed things and ctx is to be resumed. */
EXPORT uint8_t RtlDispatchException(struct dormer_exception_record *rec,
                                    struct dormer_context *ctx)
{
    int handled = call_vectored(0, rec, ctx) == EXCEPTION_CONTINUE_EXECUTION ||
                  dispatch_frames(rec, ctx);

    if (handled)
        call_vectored(1, rec, ctx);
    return (uint8_t)handled;
}

/* After the frame handlers: the unhandled filter, then the kernel's second chance. */
static __attribute__((noreturn)) void finish(struct dormer_exception_record *rec,
                                             struct dormer_context *ctx)
{
    if (unhandled_filter) {
        struct exception_pointers ptrs = { rec, ctx };
        int32_t r = unhandled_filter(&ptrs);
        if (r == EXCEPTION_CONTINUE_EXECUTION)
            NtContinue(ctx, 0);
        if (r == EXCEPTION_EXECUTE_HANDLER)
            NtTerminateProcess(DORMER_CURRENT_PROCESS, rec->code);
    }
    NtRaiseException(rec, ctx, 0);
    NtTerminateProcess(DORMER_CURRENT_PROCESS, rec->code);
    __builtin_unreachable();
}

/* From KiUserExceptionDispatcher (except.S). */
void ntdll_dispatch_user_exception(struct dormer_exception_record *rec,
                                   struct dormer_context *ctx);

void ntdll_dispatch_user_exception(struct dormer_exception_record *rec,
                                   struct dormer_context *ctx)
{
    if (RtlDispatchException(rec, ctx))
        NtContinue(ctx, 0);
    finish(rec, ctx);
}

/* The caller's CONTEXT: the captured one, unwound past this function. */
static __attribute__((noinline)) void caller_context(struct dormer_context *ctx)
{
    uint64_t base, frame;
    void *data;

    RtlCaptureContext(ctx);
    struct ntdll_runtime_function *fn = RtlLookupFunctionEntry(ctx->rip, &base, NULL);
    if (fn)
        RtlVirtualUnwind(0, base, ctx->rip, fn, ctx, &data, &frame, NULL);
}

EXPORT __attribute__((noinline)) void RtlRaiseException(struct dormer_exception_record *rec)
{
    struct dormer_context ctx;

    caller_context(&ctx);
    /* caller_context unwound only itself: unwind this function too. */
    {
        uint64_t base, frame;
        void *data;
        struct ntdll_runtime_function *fn = RtlLookupFunctionEntry(ctx.rip, &base, NULL);
        if (fn)
            RtlVirtualUnwind(0, base, ctx.rip, fn, &ctx, &data, &frame, NULL);
    }
    rec->address = ctx.rip;
    if (RtlDispatchException(rec, &ctx))
        NtContinue(&ctx, 0);
    finish(rec, &ctx);
}

EXPORT uint16_t RtlCaptureStackBackTrace(uint32_t skip, uint32_t count, void **trace,
                                         uint32_t *hash)
{
    struct dormer_context c;
    uint32_t n = 0, sum = 0;

    caller_context(&c); /* RtlCaptureStackBackTrace's own frame */
    for (uint32_t depth = 0; n < count && depth < MAX_FRAMES && c.rip; depth++) {
        uint64_t base, frame, pc = c.rip;
        void *data;
        struct ntdll_runtime_function *fn = RtlLookupFunctionEntry(pc, &base, NULL);
        if (!fn) {
            if (!on_stack(c.gpr[4]))
                break;
            c.rip = *(const uint64_t *)(uintptr_t)c.gpr[4];
            c.gpr[4] += 8;
        } else {
            RtlVirtualUnwind(0, base, pc, fn, &c, &data, &frame, NULL);
        }
        if (depth < skip)
            continue;
        if (!on_stack(c.gpr[4]) || !c.rip)
            break;
        trace[n++] = (void *)(uintptr_t)c.rip;
        sum += (uint32_t)c.rip;
    }
    if (hash)
        *hash = sum;
    return (uint16_t)n;
}

/* Registers the dispatcher with the kernel (DormerProcessStartup). */
void ntdll_exceptions_init(void)
{
    DmSetExceptionDispatcher((uint64_t)(uintptr_t)KiUserExceptionDispatcher);
}
