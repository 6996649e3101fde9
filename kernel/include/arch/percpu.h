/*
 * Per-CPU state. Each CPU has one area, reached through GS while in the kernel (every
 * entry from user mode swaps GS in). The layers above own their fields and touch them
 * only through these accessors, so that more CPUs change where the area is, never the
 * code that uses it:
 *   thread, kill_flag, need_resched  proc: the running thread, a pointer to its kill
 *                                    flag, and "switch at the next chance" (the system-
 *                                    call exit path tests the last two)
 *   user_space                       mm: the active user address space
 *   trap_frame                       arch: the innermost trap frame being handled
 * Reads and writes are of this CPU's area with interrupts in any state; a field another
 * CPU must change (a kill, a wake-up) needs an interrupt to that CPU once there are more.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <stdbool.h>
#include <stdint.h>

struct thread;
struct vmm_space;
struct trap_frame;

struct percpu {
    struct percpu *self;          /* the area's own address (read through GS) */
    uint64_t kernel_rsp;          /* arch: the stack SYSCALL switches to */
    uint64_t user_rsp;            /* arch: the user RSP during system-call entry */
    struct thread *thread;        /* proc */
    const volatile uint8_t *kill_flag; /* proc: nonzero once the running thread is killed */
    uint8_t need_resched;         /* proc */
    struct vmm_space *user_space; /* mm */
    struct trap_frame *trap_frame;/* arch */
};

/* Point this CPU at its area. Boot, first thing in kmain (the boot CPU's). */
void arch_percpu_init(void);

#define PERCPU_READ(field)                                                               \
    ({                                                                                   \
        __typeof__(((struct percpu *)0)->field) v_;                                      \
        __asm__ volatile("mov %%gs:%c1, %0"                                              \
                         : "=r"(v_)                                                      \
                         : "i"(__builtin_offsetof(struct percpu, field)));               \
        v_;                                                                              \
    })

#define PERCPU_WRITE(field, value)                                                       \
    do {                                                                                 \
        __typeof__(((struct percpu *)0)->field) v_ = (value);                            \
        __asm__ volatile("mov %0, %%gs:%c1"                                              \
                         :                                                               \
                         : "r"(v_), "i"(__builtin_offsetof(struct percpu, field))        \
                         : "memory");                                                    \
    } while (0)

static inline struct thread *percpu_thread(void)
{
    return PERCPU_READ(thread);
}

static inline bool percpu_need_resched(void)
{
    return PERCPU_READ(need_resched) != 0;
}

static inline void percpu_set_need_resched(bool on)
{
    PERCPU_WRITE(need_resched, (uint8_t)(on ? 1 : 0));
}

/* The scheduler switched this CPU to t, whose kill flag is at kill. */
static inline void percpu_set_thread(struct thread *t, const volatile uint8_t *kill)
{
    PERCPU_WRITE(thread, t);
    PERCPU_WRITE(kill_flag, kill);
}

static inline struct vmm_space *percpu_user_space(void)
{
    return PERCPU_READ(user_space);
}

static inline void percpu_set_user_space(struct vmm_space *s)
{
    PERCPU_WRITE(user_space, s);
}

static inline struct trap_frame *percpu_trap_frame(void)
{
    return PERCPU_READ(trap_frame);
}

static inline void percpu_set_trap_frame(struct trap_frame *f)
{
    PERCPU_WRITE(trap_frame, f);
}

#endif /* ARCH_PERCPU_H */
