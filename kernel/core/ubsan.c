/*
 * Dormer's runtime for gcc's -fsanitize=undefined (debug kernels). Each report prints
 * the kind, file:line:column, the values involved and a backtrace, and is counted;
 * then the kernel goes on, as Linux's does. Why not panic: the instrumented operation
 * still has the result the machine gives (a wrapped sum, a truncated shift), so going
 * on is no worse than the build without checks, one boot shows every report instead of
 * only the first, and a latent bug on one path does not take down every program. The
 * tests make any report a failure instead (every boot's output is checked for
 * "UBSAN:"). Only what has no next instruction (unreachable code) panics.
 * This file is built without the sanitizer, so a handler cannot call itself.
 */
#include "ubsan_abi.h"

#include <core/panic.h>
#include <core/printk.h>
#include <core/ubsan.h>
#include <stdbool.h>

#define REPORTED_BIT 0x80000000u

static uint64_t report_count; /* atomic */

uint64_t ubsan_reports(void)
{
    return __atomic_load_n(&report_count, __ATOMIC_RELAXED);
}

/* true the first time a location reports: later reports of a loop stay quiet. */
static bool claim(struct ubsan_loc *loc)
{
    uint32_t old = __atomic_fetch_or(&loc->column, REPORTED_BIT, __ATOMIC_RELAXED);

    return !(old & REPORTED_BIT);
}

static void begin(const struct ubsan_loc *loc, const char *what)
{
    __atomic_add_fetch(&report_count, 1, __ATOMIC_RELAXED);
    kprintf("\nUBSAN: %s at %s:%u:%u\n", what, loc->file ? loc->file : "?", loc->line,
            loc->column & ~REPORTED_BIT);
}

/* The backtrace from the instrumented function: pc is the handler's return address,
 * fp that function's frame. */
static void end(uintptr_t pc, uintptr_t fp)
{
    backtrace_print(pc, fp, true);
}

#define CALLER_PC ((uintptr_t)__builtin_return_address(0))
#define CALLER_FP (*(const uintptr_t *)__builtin_frame_address(0))

static bool type_is_int(const struct ubsan_type *t)
{
    return t->kind == 0;
}

static bool type_is_signed(const struct ubsan_type *t)
{
    return type_is_int(t) && (t->info & 1);
}

static unsigned type_bits(const struct ubsan_type *t)
{
    return type_is_int(t) ? 1u << (t->info >> 1) : 64;
}

/* A value handle as text: inline when the type fits in a pointer, else its address
 * (its low 64 bits are shown). */
static void print_value(const char *prefix, const struct ubsan_type *t, uintptr_t v)
{
    if (!type_is_int(t)) {
        kprintf("%s<value of %s>", prefix, t->name);
        return;
    }
    unsigned bits = type_bits(t);
    uint64_t raw = bits <= 64 ? (uint64_t)v : *(const uint64_t *)v;

    if (type_is_signed(t)) {
        int64_t s = (int64_t)raw;
        if (bits < 64) /* sign-extend from the type's width */
            s = (int64_t)(raw << (64 - bits)) >> (64 - bits);
        kprintf("%s%lld", prefix, (long long)s);
    } else {
        if (bits < 64)
            raw &= (1ull << bits) - 1;
        kprintf("%s%llu", prefix, (unsigned long long)raw);
    }
}

static void arith(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs, char op,
                  uintptr_t pc, uintptr_t fp)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, type_is_signed(d->type) ? "signed integer overflow"
                                          : "unsigned integer overflow");
    print_value("  ", d->type, lhs);
    kprintf(" %c", op);
    print_value(" ", d->type, rhs);
    kprintf(" cannot be represented in type %s\n", d->type->name);
    end(pc, fp);
}

void __ubsan_handle_add_overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs)
{
    arith(d, lhs, rhs, '+', CALLER_PC, CALLER_FP);
}

void __ubsan_handle_sub_overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs)
{
    arith(d, lhs, rhs, '-', CALLER_PC, CALLER_FP);
}

void __ubsan_handle_mul_overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs)
{
    arith(d, lhs, rhs, '*', CALLER_PC, CALLER_FP);
}

void __ubsan_handle_negate_overflow(struct ubsan_overflow *d, uintptr_t old)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "negation overflow");
    print_value("  -(", d->type, old);
    kprintf(") cannot be represented in type %s\n", d->type->name);
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_divrem_overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs)
{
    if (!claim(&d->loc))
        return;
    bool zero = type_is_int(d->type) && type_bits(d->type) <= 64 && rhs == 0;
    begin(&d->loc, zero ? "division by zero" : "division overflow");
    print_value("  ", d->type, lhs);
    print_value(" / ", d->type, rhs);
    kprintf(" in type %s\n", d->type->name);
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_shift_out_of_bounds(struct ubsan_shift *d, uintptr_t lhs, uintptr_t rhs)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "shift out of bounds");
    /* gcc does not say which way: the amount is negative or not below the width, or
     * (a left shift) the value is negative or its bits pass the sign bit. */
    print_value("  shift of ", d->lhs_type, lhs);
    print_value(" by ", d->rhs_type, rhs);
    kprintf(" bits: type %s has %u\n", d->lhs_type->name, type_bits(d->lhs_type));
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_out_of_bounds(struct ubsan_bounds *d, uintptr_t index)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "array index out of bounds");
    print_value("  index ", d->index_type, index);
    kprintf(" is out of range for type %s\n", d->array_type->name);
    end(CALLER_PC, CALLER_FP);
}

static const char *const check_kinds[] = {
    "load of", "store to", "reference binding to", "member access within",
    "member call on", "constructor call on", "downcast of", "downcast of", "upcast of",
    "cast to virtual base of", "_Nonnull binding to", "dynamic operation on",
};

void __ubsan_handle_type_mismatch_v1(struct ubsan_mismatch *d, uintptr_t ptr)
{
    if (!claim(&d->loc))
        return;
    const char *how = d->check_kind < sizeof check_kinds / sizeof check_kinds[0]
                          ? check_kinds[d->check_kind] : "access to";
    uintptr_t align = (uintptr_t)1 << d->log_alignment;

    if (ptr == 0) {
        begin(&d->loc, "null pointer");
        kprintf("  %s a null pointer of type %s\n", how, d->type->name);
    } else if (ptr & (align - 1)) {
        begin(&d->loc, "misaligned access");
        kprintf("  %s address 0x%lx, misaligned for type %s (alignment %lu)\n", how,
                (unsigned long)ptr, d->type->name, (unsigned long)align);
    } else {
        begin(&d->loc, "object too small");
        kprintf("  %s address 0x%lx with too little space for type %s\n", how,
                (unsigned long)ptr, d->type->name);
    }
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_vla_bound_not_positive(struct ubsan_vla *d, uintptr_t bound)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "variable-length array bound not positive");
    print_value("  bound ", d->type, bound);
    kprintf("\n");
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_load_invalid_value(struct ubsan_invalid *d, uintptr_t val)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "invalid value loaded");
    kprintf("  value 0x%lx is not a valid value for type %s\n", (unsigned long)val,
            d->type->name);
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_nonnull_arg(struct ubsan_nonnull_arg *d)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "null argument");
    kprintf("  argument %d is null, but %s:%u declares it nonnull\n", d->arg_index,
            d->attr_loc.file ? d->attr_loc.file : "?", d->attr_loc.line);
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_nonnull_return_v1(struct ubsan_nonnull_return *d, struct ubsan_loc *loc)
{
    if (!claim(loc))
        return;
    begin(loc, "null return");
    kprintf("  a function declared returns_nonnull at %s:%u returned null\n",
            d->attr_loc.file ? d->attr_loc.file : "?", d->attr_loc.line);
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_pointer_overflow(struct ubsan_ptr_overflow *d, uintptr_t base,
                                     uintptr_t result)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "pointer overflow");
    if (base == 0 || result == 0)
        kprintf("  arithmetic on a null pointer: 0x%lx to 0x%lx\n", (unsigned long)base,
                (unsigned long)result);
    else
        kprintf("  pointer 0x%lx wraps to 0x%lx\n", (unsigned long)base,
                (unsigned long)result);
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_invalid_builtin(struct ubsan_builtin *d)
{
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "invalid builtin use");
    kprintf("  %s of zero\n", d->kind == 0 ? "__builtin_ctz" : "__builtin_clz");
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_float_cast_overflow(struct ubsan_float_cast *d, uintptr_t from)
{
    (void)from; /* the kernel has no floating point: never emitted, kept for the ABI */
    if (!claim(&d->loc))
        return;
    begin(&d->loc, "float cast overflow");
    kprintf("  a %s does not fit in %s\n", d->from->name, d->to->name);
    end(CALLER_PC, CALLER_FP);
}

void __ubsan_handle_builtin_unreachable(struct ubsan_unreachable *d)
{
    begin(&d->loc, "unreachable code reached");
    panic("UBSAN: __builtin_unreachable() reached at %s:%u", d->loc.file, d->loc.line);
}

void __ubsan_handle_missing_return(struct ubsan_unreachable *d)
{
    begin(&d->loc, "missing return");
    panic("UBSAN: the end of a value-returning function reached at %s:%u", d->loc.file,
          d->loc.line);
}
