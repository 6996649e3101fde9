/*
 * Pipes. The ring and its counters live under sched_lock (so a state change and the
 * wake-up of the waiters it concerns are one step); data moves between the ring and
 * user memory through a small bounce buffer outside the lock, because a user copy
 * may fault. A reader peeks, copies out and only then consumes, so a faulting copy
 * consumes nothing; while it copies, the pipe is marked as being read and other
 * readers of it wait (killably), so two readers never take the same bytes.
 */
#include <abi/file.h>
#include <abi/object.h>
#include <lib/errno.h>
#include <mm/kheap.h>
#include <proc/pipe.h>

#define PIPE_CHUNK 512

struct pipe {
    struct kobject queue; /* readers and writers wait here */
    uint8_t *buf;
    /* protected by sched_lock */
    size_t head, count;
    uint32_t readers, writers, ends;
    bool reading; /* a reader is between its peek and its consume */
};

struct pipe_end {
    struct kobject obj;
    struct pipe *pipe;
};

static void pipe_end_destroy(struct kobject *obj);
static int pipe_read_op(struct kobject *obj, struct kobj_io *io);
static int pipe_write_op(struct kobject *obj, struct kobj_io *io);

/* The wrong end for the call: Windows says access denied. */
static int pipe_wrong_end(struct kobject *obj, struct kobj_io *io)
{
    (void)obj;
    (void)io;
    return K_EACCES;
}

/* A pipe holds no data buffered on the writer's side. */
static int pipe_flush_op(struct kobject *obj)
{
    (void)obj;
    return 0;
}

#define PIPE_GENERIC                                                                     \
    { DORMER_FILE_GENERIC_READ, DORMER_FILE_GENERIC_WRITE, DORMER_FILE_GENERIC_EXECUTE,  \
      DORMER_FILE_ALL_ACCESS }

const struct kobj_type pipe_read_type = {
    .name = "File",
    .valid_access = DORMER_FILE_ALL_ACCESS,
    .generic = PIPE_GENERIC,
    .file_kind = DORMER_FILE_TYPE_PIPE,
    .destroy = pipe_end_destroy,
    .read = pipe_read_op,
    .write = pipe_wrong_end,
};

const struct kobj_type pipe_write_type = {
    .name = "File",
    .valid_access = DORMER_FILE_ALL_ACCESS,
    .generic = PIPE_GENERIC,
    .file_kind = DORMER_FILE_TYPE_PIPE,
    .destroy = pipe_end_destroy,
    .read = pipe_wrong_end,
    .write = pipe_write_op,
    .flush = pipe_flush_op,
};

static void pipe_end_destroy(struct kobject *obj)
{
    struct pipe_end *e = (struct pipe_end *)obj;
    struct pipe *p = e->pipe;
    uint64_t flags = sched_lock_irq();

    if (obj->type == &pipe_read_type)
        p->readers--;
    else
        p->writers--;
    bool last = --p->ends == 0;
    kobj_wake_all_locked(&p->queue);
    sched_unlock_irq(flags);
    if (last) {
        kfree(p->buf);
        kfree(p);
    }
    kfree(e);
}

int pipe_create(struct kobject **read_end, struct kobject **write_end)
{
    struct pipe *p = kcalloc(1, sizeof *p);
    struct pipe_end *r = kcalloc(1, sizeof *r), *w = kcalloc(1, sizeof *w);
    uint8_t *buf = kmalloc(PIPE_CAPACITY);

    if (!p || !r || !w || !buf) {
        kfree(p);
        kfree(r);
        kfree(w);
        kfree(buf);
        return K_ENOMEM;
    }
    kobj_init(&p->queue, &kobj_queue_type);
    p->buf = buf;
    p->readers = p->writers = 1;
    p->ends = 2;
    kobj_init(&r->obj, &pipe_read_type);
    kobj_init(&w->obj, &pipe_write_type);
    r->pipe = w->pipe = p;
    *read_end = &r->obj;
    *write_end = &w->obj;
    return 0;
}

long pipe_read(struct kobject *read_end, uptr_t buf, size_t len)
{
    struct pipe *p = ((struct pipe_end *)read_end)->pipe;
    uint8_t chunk[PIPE_CHUNK];

    if (len == 0)
        return 0;
    uint64_t flags = sched_lock_irq();
    while (p->reading || (p->count == 0 && p->writers > 0)) {
        if (sched_block_on_locked(&p->queue, (uint64_t)-1) == K_EINTR) {
            sched_unlock_irq(flags);
            return K_EINTR;
        }
    }
    size_t n = p->count < len ? p->count : len;
    if (n > PIPE_CHUNK)
        n = PIPE_CHUNK;
    if (n == 0) {
        sched_unlock_irq(flags);
        return 0; /* end of pipe */
    }
    for (size_t i = 0; i < n; i++)
        chunk[i] = p->buf[(p->head + i) % PIPE_CAPACITY];
    p->reading = true;
    sched_unlock_irq(flags);

    bool copied = copy_to_user(buf, chunk, n) == 0;

    flags = sched_lock_irq();
    if (copied) { /* nothing but this reader consumes, so the bytes are still there */
        p->head = (p->head + n) % PIPE_CAPACITY;
        p->count -= n;
    }
    p->reading = false;
    kobj_wake_all_locked(&p->queue);
    sched_unlock_irq(flags);
    return copied ? (long)n : K_EFAULT; /* a fault consumes nothing */
}

long pipe_write(struct kobject *write_end, uptr_t buf, size_t len)
{
    struct pipe *p = ((struct pipe_end *)write_end)->pipe;
    uint8_t chunk[PIPE_CHUNK];
    size_t done = 0;

    while (done < len) {
        size_t n = len - done < PIPE_CHUNK ? len - done : PIPE_CHUNK;
        if (copy_from_user(chunk, uptr_add(buf, done), n) != 0)
            return K_EFAULT;
        uint64_t flags = sched_lock_irq();
        size_t put = 0;
        while (put < n) {
            if (p->readers == 0) {
                sched_unlock_irq(flags);
                return K_EPIPE;
            }
            if (p->count == PIPE_CAPACITY) {
                kobj_wake_all_locked(&p->queue);
                if (sched_block_on_locked(&p->queue, (uint64_t)-1) == K_EINTR) {
                    sched_unlock_irq(flags);
                    return K_EINTR;
                }
                continue;
            }
            p->buf[(p->head + p->count) % PIPE_CAPACITY] = chunk[put++];
            p->count++;
        }
        kobj_wake_all_locked(&p->queue);
        sched_unlock_irq(flags);
        done += n;
    }
    return (long)len;
}

static int pipe_read_op(struct kobject *obj, struct kobj_io *io)
{
    long got = pipe_read(obj, io->buf, io->len);

    if (got < 0)
        return (int)got;
    if (got == 0 && io->len > 0)
        return K_EPIPE; /* every write end is closed */
    io->done = (uint64_t)got;
    return 0;
}

static int pipe_write_op(struct kobject *obj, struct kobj_io *io)
{
    long put = pipe_write(obj, io->buf, io->len);

    if (put < 0)
        return (int)put;
    io->done = (uint64_t)put;
    return 0;
}
