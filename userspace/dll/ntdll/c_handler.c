/*
 * __C_specific_handler, the language handler of C functions with __try blocks (MSVC's
 * and clang's __try/__except/__finally): the frame's scope table, in handler data, lists
 * each guarded range with its filter (or __finally) and, for __except, the address to
 * resume at. As on Windows it lives here and msvcrt and kernel32 export it by jump.
 */
#include <dormer.h>

#include "ntdll_except.h"

#define EXPORT __declspec(dllexport)

#define EXCEPTION_CONTINUE_EXECUTION (-1)
#define EXCEPTION_EXECUTE_HANDLER    1
#define DISPOSITION_CONTINUE_EXECUTION 0
#define DISPOSITION_CONTINUE_SEARCH    1

/*
 * SCOPE_TABLE (winnt.h), in the handler data after the handler's RVA:
 *   u32 Count, then Count records of four RVAs:
 *   Begin, End     the guarded range [Begin, End)
 *   Handler        __except: the filter (or 1, EXCEPTION_EXECUTE_HANDLER, for a constant
 *                  filter); __finally: the termination handler
 *   JumpTarget     __except: where its block starts; 0 for a __finally
 * Inner scopes come before the scopes that enclose them.
 */
struct scope_record {
    uint32_t begin, end, handler, jump_target;
};

typedef int32_t (*scope_filter)(struct exception_pointers *ptrs, uint64_t frame);
typedef void (*scope_finally)(uint8_t abnormal, uint64_t frame);

/* 1 if the records lie inside the image at base (a corrupt table is not walked: its
 * frame is passed over). Code under RtlAddFunctionTable has no image header to check. */
static int table_ok(uint64_t base, const uint32_t *table)
{
    const uint8_t *img = (const uint8_t *)(uintptr_t)base;
    if (img[0] != 'M' || img[1] != 'Z')
        return 1;
    uint32_t size = *(const uint32_t *)(img + *(const uint32_t *)(img + 0x3c) + 24 + 56);
    uint64_t at = (uint64_t)(uintptr_t)table - base;

    return at + 4 <= size && table[0] <= (size - at - 4) / sizeof(struct scope_record);
}

static int in_scope(const struct scope_record *s, uint64_t rva)
{
    return rva >= s->begin && rva < s->end;
}

/* During an unwind: the __finally blocks guarding the frame's PC, innermost first,
 * stopping at the target's own __except scope. ScopeIndex is moved past each one before
 * it runs, so an unwind that collides with this one (a __finally that raises) resumes
 * with the next. */
static void run_finally_blocks(struct dormer_exception_record *rec, uint64_t frame,
                               struct ntdll_dispatcher_context *dc, uint32_t count,
                               const struct scope_record *s)
{
    uint64_t pc = dc->control_pc - dc->image_base;
    uint64_t target = dc->target_ip - dc->image_base;

    for (uint32_t i = dc->scope_index; i < count; i++) {
        if (!in_scope(&s[i], pc))
            continue;
        if ((rec->flags & DORMER_EXCEPTION_TARGET_UNWIND) && in_scope(&s[i], target))
            break; /* the scope that catches: its __except block runs, not what encloses it */
        if (s[i].jump_target)
            continue;
        dc->scope_index = i + 1;
        ((scope_finally)(uintptr_t)(dc->image_base + s[i].handler))(1, frame);
    }
}

EXPORT int __C_specific_handler(struct dormer_exception_record *rec, uint64_t frame,
                                struct dormer_context *ctx, struct ntdll_dispatcher_context *dc)
{
    const uint32_t *table = dc->handler_data;
    uint64_t pc = dc->control_pc - dc->image_base;

    if (!table || !table_ok(dc->image_base, table))
        return DISPOSITION_CONTINUE_SEARCH;
    uint32_t count = table[0];
    const struct scope_record *s = (const struct scope_record *)(table + 1);

    if (rec->flags & (DORMER_EXCEPTION_UNWINDING | DORMER_EXCEPTION_EXIT_UNWIND)) {
        run_finally_blocks(rec, frame, dc, count, s);
        return DISPOSITION_CONTINUE_SEARCH;
    }
    for (uint32_t i = dc->scope_index; i < count; i++) {
        if (!in_scope(&s[i], pc) || !s[i].jump_target)
            continue;
        if (s[i].handler != EXCEPTION_EXECUTE_HANDLER) {
            struct exception_pointers ptrs = { rec, ctx };
            int32_t r = ((scope_filter)(uintptr_t)(dc->image_base + s[i].handler))(&ptrs, frame);
            if (r < 0)
                return DISPOSITION_CONTINUE_EXECUTION;
            if (r == 0)
                continue;
        }
        /* Windows hands the __except block the exception code in RAX. */
        RtlUnwindEx((void *)(uintptr_t)frame, (void *)(uintptr_t)(dc->image_base + s[i].jump_target),
                    rec, (void *)(uintptr_t)rec->code, dc->context, dc->history_table);
    }
    return DISPOSITION_CONTINUE_SEARCH;
}
