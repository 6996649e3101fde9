/*
 * The data gcc's -fsanitize=undefined passes to its runtime, and the entry points it
 * calls (the ABI of libsanitizer's ubsan_handlers.h, which gcc 8+ emits). A value
 * argument is the value itself when its type fits in a pointer, else its address.
 * The descriptors are writable data: the runtime marks a reported location.
 */
#pragma once

#include <stdint.h>

struct ubsan_loc {
    const char *file;
    uint32_t line;
    uint32_t column; /* bit 31: already reported */
};

/* kind 0: integer, info bit 0 = signed, info >> 1 = log2(bits); 1: float; else unknown */
struct ubsan_type {
    uint16_t kind;
    uint16_t info;
    char name[];
};

struct ubsan_overflow { struct ubsan_loc loc; const struct ubsan_type *type; };
struct ubsan_shift {
    struct ubsan_loc loc;
    const struct ubsan_type *lhs_type, *rhs_type;
};
struct ubsan_bounds {
    struct ubsan_loc loc;
    const struct ubsan_type *array_type, *index_type;
};
struct ubsan_mismatch {
    struct ubsan_loc loc;
    const struct ubsan_type *type;
    uint8_t log_alignment;
    uint8_t check_kind;
};
struct ubsan_vla { struct ubsan_loc loc; const struct ubsan_type *type; };
struct ubsan_invalid { struct ubsan_loc loc; const struct ubsan_type *type; };
struct ubsan_unreachable { struct ubsan_loc loc; };
struct ubsan_nonnull_arg { struct ubsan_loc loc, attr_loc; int arg_index; };
struct ubsan_nonnull_return { struct ubsan_loc attr_loc; };
struct ubsan_ptr_overflow { struct ubsan_loc loc; };
struct ubsan_builtin { struct ubsan_loc loc; uint8_t kind; };
struct ubsan_float_cast {
    struct ubsan_loc loc;
    const struct ubsan_type *from, *to;
};

void __ubsan_handle_add_overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs);
void __ubsan_handle_sub_overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs);
void __ubsan_handle_mul_overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs);
void __ubsan_handle_negate_overflow(struct ubsan_overflow *d, uintptr_t old);
void __ubsan_handle_divrem_overflow(struct ubsan_overflow *d, uintptr_t lhs, uintptr_t rhs);
void __ubsan_handle_shift_out_of_bounds(struct ubsan_shift *d, uintptr_t lhs, uintptr_t rhs);
void __ubsan_handle_out_of_bounds(struct ubsan_bounds *d, uintptr_t index);
void __ubsan_handle_type_mismatch_v1(struct ubsan_mismatch *d, uintptr_t ptr);
void __ubsan_handle_vla_bound_not_positive(struct ubsan_vla *d, uintptr_t bound);
void __ubsan_handle_load_invalid_value(struct ubsan_invalid *d, uintptr_t val);
void __ubsan_handle_nonnull_arg(struct ubsan_nonnull_arg *d);
void __ubsan_handle_nonnull_return_v1(struct ubsan_nonnull_return *d, struct ubsan_loc *loc);
void __ubsan_handle_pointer_overflow(struct ubsan_ptr_overflow *d, uintptr_t base,
                                     uintptr_t result);
void __ubsan_handle_invalid_builtin(struct ubsan_builtin *d);
void __ubsan_handle_float_cast_overflow(struct ubsan_float_cast *d, uintptr_t from);
__attribute__((noreturn)) void __ubsan_handle_builtin_unreachable(struct ubsan_unreachable *d);
__attribute__((noreturn)) void __ubsan_handle_missing_return(struct ubsan_unreachable *d);
