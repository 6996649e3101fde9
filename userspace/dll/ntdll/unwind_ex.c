/*
 * Unwinding to a target frame, as Windows x64's ntdll does it: RtlUnwindEx walks from
 * its caller outwards, calling each frame's unwind handler (UNW_FLAG_UHANDLER) with
 * EXCEPTION_UNWINDING, the target frame's with EXCEPTION_TARGET_UNWIND too, then
 * resumes in the target frame at TargetIp with RAX = ReturnValue (RtlRestoreContext).
 * A handler answering ExceptionCollidedUnwind (an unwind that ran into an earlier one)
 * hands over the earlier unwind's state, and the walk goes on from there. This is
 * what libgcc's SEH unwinder (C++ throw in mingw programs) and __C_specific_handler's
 * __finally/__except use.
 */
#include <dormer.h>

#include "ntdll_except.h"

#define EXPORT __declspec(dllexport)

#define UNW_FLAG_UHANDLER 2
#define DISPOSITION_CONTINUE_SEARCH  1
#define DISPOSITION_COLLIDED_UNWIND  NTDLL_DISPOSITION_COLLIDED_UNWIND
#define STATUS_UNWIND                0xC0000027u
#define STATUS_INVALID_UNWIND_TARGET 0xC0000029u
#define STATUS_BAD_STACK             0xC0000028u
#define STATUS_INVALID_DISPOSITION   0xC0000026u
#define STATUS_UNWIND_CONSOLIDATE    0x80000029u
#define MAX_FRAMES 4096

static int frame_ok(uint64_t frame)
{
    const struct dormer_teb *teb = DormerGetTeb();

    return frame >= teb->stack_limit && frame < teb->stack_base && !(frame & 7);
}

/* One frame outwards from *ctx into *next; the frame's unwind handler (or NULL) and its
 * establisher frame. A PC with no function entry is a leaf: its return address is on
 * top of the stack. */
static ntdll_language_handler unwind_one(const struct dormer_context *ctx,
                                         struct dormer_context *next,
                                         struct ntdll_dispatcher_context *dc, void *history)
{
    *next = *ctx;
    dc->control_pc = ctx->rip;
    dc->function = RtlLookupFunctionEntry(ctx->rip, &dc->image_base, history);
    dc->handler_data = NULL;
    if (!dc->function) {
        dc->establisher_frame = ctx->gpr[4];
        if (!frame_ok(ctx->gpr[4]))
            return NULL;
        next->rip = *(const uint64_t *)(uintptr_t)ctx->gpr[4];
        next->gpr[4] += 8;
        return NULL;
    }
    return (ntdll_language_handler)RtlVirtualUnwind(UNW_FLAG_UHANDLER, dc->image_base,
                                                    ctx->rip, dc->function, next,
                                                    &dc->handler_data,
                                                    &dc->establisher_frame, NULL);
}

/* The handler of ntdll_call_unwind_handler's frame: a dispatch or an unwind that
 * reaches it ran into the unwind whose handler call that frame is. It takes that
 * unwind's place: the earlier dispatcher context (all but TargetIp) and its CONTEXT
 * are copied into the caller's, and it answers ExceptionCollidedUnwind. */
int ntdll_collided_handler(struct dormer_exception_record *rec, uint64_t frame,
                           struct dormer_context *ctx, struct ntdll_dispatcher_context *dc)
{
    const struct ntdll_dispatcher_context *earlier =
        *(struct ntdll_dispatcher_context *const *)(uintptr_t)(frame + 0x20);

    (void)rec;
    (void)ctx;
    dc->control_pc = earlier->control_pc;
    dc->image_base = earlier->image_base;
    dc->function = earlier->function;
    dc->establisher_frame = earlier->establisher_frame;
    dc->language_handler = earlier->language_handler;
    dc->handler_data = earlier->handler_data;
    dc->history_table = earlier->history_table;
    dc->scope_index = earlier->scope_index;
    *dc->context = *earlier->context;
    return DISPOSITION_COLLIDED_UNWIND;
}

/* ctx (the context at dc's frame, dc filled by a collision) one frame outwards. */
void ntdll_unwind_collided(const struct ntdll_dispatcher_context *dc, struct dormer_context *ctx)
{
    uint64_t ignored;
    void *data;

    if (dc->function) {
        RtlVirtualUnwind(0, dc->image_base, dc->control_pc, dc->function, ctx, &data, &ignored,
                         NULL);
    } else if (frame_ok(ctx->gpr[4])) {
        ctx->rip = *(const uint64_t *)(uintptr_t)ctx->gpr[4];
        ctx->gpr[4] += 8;
    }
}

EXPORT __attribute__((noinline)) void RtlUnwindEx(void *target_frame, void *target_ip,
                                                  struct dormer_exception_record *rec,
                                                  void *return_value,
                                                  struct dormer_context *ctx, void *history)
{
    struct dormer_exception_record local;
    struct dormer_context next;
    struct ntdll_dispatcher_context dc = { 0 };
    uint64_t target = (uint64_t)(uintptr_t)target_frame;

    RtlCaptureContext(ctx); /* inside this function: the first frame walked is ours */
    if (!rec) {
        local = (struct dormer_exception_record){
            .code = STATUS_UNWIND, .address = ctx->rip,
        };
        rec = &local;
    }
    rec->flags |= DORMER_EXCEPTION_UNWINDING;
    if (!target_frame)
        rec->flags |= DORMER_EXCEPTION_EXIT_UNWIND;
    dc.target_ip = (uint64_t)(uintptr_t)target_ip;
    dc.history_table = history;
    for (int depth = 0; depth < MAX_FRAMES; depth++) {
        ntdll_language_handler h = unwind_one(ctx, &next, &dc, history);
        uint64_t frame = dc.establisher_frame;

        if (!frame_ok(frame))
            ntdll_raise_noncontinuable(STATUS_BAD_STACK, rec, ctx);
        if (target && frame > target)
            ntdll_raise_noncontinuable(STATUS_INVALID_UNWIND_TARGET, rec, ctx);
        dc.scope_index = 0;
        /* Repeated when the handler call collides with an earlier unwind: then dc names
         * the frame that unwind had reached, and that frame's handler is called again
         * with EXCEPTION_COLLIDED_UNWIND (its ScopeIndex says what is already done). */
        while (h) {
            if (frame == target)
                rec->flags |= DORMER_EXCEPTION_TARGET_UNWIND;
            else
                rec->flags &= ~(uint32_t)DORMER_EXCEPTION_TARGET_UNWIND;
            dc.context = ctx;
            dc.language_handler = (void *)h;
            int disp = ntdll_call_unwind_handler(rec, frame, ctx, &dc, h);
            rec->flags &= ~(uint32_t)DORMER_EXCEPTION_COLLIDED_UNWIND;
            if (disp == DISPOSITION_CONTINUE_SEARCH)
                break;
            if (disp != DISPOSITION_COLLIDED_UNWIND)
                ntdll_raise_noncontinuable(STATUS_INVALID_DISPOSITION, rec, ctx);
            /* *ctx is now the earlier unwind's context at its frame. */
            next = *ctx;
            ntdll_unwind_collided(&dc, &next);
            h = (ntdll_language_handler)dc.language_handler;
            frame = dc.establisher_frame;
            rec->flags |= DORMER_EXCEPTION_COLLIDED_UNWIND;
            if (!frame_ok(frame) || (target && frame > target))
                ntdll_raise_noncontinuable(STATUS_INVALID_UNWIND_TARGET, rec, ctx);
        }
        if (frame == target)
            break;
        *ctx = next;
        if (!ctx->rip) {
            if (!target)
                break; /* an exit unwind ran off the stack: done */
            ntdll_raise_noncontinuable(STATUS_INVALID_UNWIND_TARGET, rec, ctx);
        }
    }
    ctx->gpr[0] = (uint64_t)(uintptr_t)return_value;
    if (rec->code != STATUS_UNWIND_CONSOLIDATE)
        ctx->rip = (uint64_t)(uintptr_t)target_ip;
    RtlRestoreContext(ctx, rec);
}

EXPORT void RtlUnwind(void *target_frame, void *target_ip, struct dormer_exception_record *rec,
                      void *return_value)
{
    struct dormer_context ctx;

    RtlUnwindEx(target_frame, target_ip, rec, return_value, &ctx, NULL);
}

/* Resumes at ctx. For STATUS_UNWIND_CONSOLIDATE, first calls the consolidation callback
 * (ExceptionInformation[0]) with the record; it returns the address to resume at. */
EXPORT void RtlRestoreContext(struct dormer_context *ctx, struct dormer_exception_record *rec)
{
    if (rec && rec->code == STATUS_UNWIND_CONSOLIDATE && rec->number_parameters >= 1) {
        void *(*callback)(struct dormer_exception_record *) =
            (void *(*)(struct dormer_exception_record *))(uintptr_t)rec->information[0];
        ctx->rip = (uint64_t)(uintptr_t)callback(rec);
    }
    NtContinue(ctx, 0);
    NtTerminateProcess(DORMER_CURRENT_PROCESS, STATUS_INVALID_PARAMETER);
}
