/*
 * lwIP's operating-system types on Dormer: semaphores and mutexes are kernel objects,
 * a mailbox is a ring of messages counted by two semaphores, a thread is a kernel thread.
 */
#ifndef DORMER_LWIP_ARCH_SYS_ARCH_H
#define DORMER_LWIP_ARCH_SYS_ARCH_H

#include <stdint.h>

struct ksemaphore;
struct kmutex;
struct thread;
struct net_mbox;

typedef struct ksemaphore *sys_sem_t;
typedef struct kmutex *sys_mutex_t;
typedef struct net_mbox *sys_mbox_t;
typedef struct thread *sys_thread_t;
typedef uint64_t sys_prot_t;

#define SYS_MBOX_NULL NULL
#define SYS_SEM_NULL  NULL

#define sys_sem_valid(s)          (*(s) != NULL)
#define sys_sem_set_invalid(s)    (*(s) = NULL)
#define sys_mutex_valid(m)        (*(m) != NULL)
#define sys_mutex_set_invalid(m)  (*(m) = NULL)
#define sys_mbox_valid(m)         (*(m) != NULL)
#define sys_mbox_set_invalid(m)   (*(m) = NULL)

#endif
