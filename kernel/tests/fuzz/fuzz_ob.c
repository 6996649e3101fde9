/*
 * libFuzzer harness for the object namespace (kernel/ob/object.c: name_ok, the hash
 * table's insert, lookup and removal on the last handle, ob_name_get). The input is a
 * program of operations on 8 object slots: create (with a name taken from the input),
 * open by name, close one handle, read the name back, fail the next allocation. A model
 * of which names are live, and for whom, is kept beside it; the harness traps when the
 * namespace disagrees with it (a bad name accepted or a good one refused, a lookup that
 * finds the wrong object or misses the right one, names that differ only in case
 * colliding, a name outliving its last handle, the name count off) and, at the end,
 * when an object or a name entry is still allocated.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's spinlocks disable interrupts (cli), which a host process cannot: these
 * stand in for <core/spinlock.h> and trap on a lock taken twice or released unheld. */
#define CORE_SPINLOCK_H
struct spinlock {
    int locked;
};
#define SPINLOCK_INIT(n) { 0 }
#define SPINLOCK_INIT_RANKED(n, r) { 0 }
static inline void spin_lock(struct spinlock *l)
{
    if (l->locked)
        __builtin_trap();
    l->locked = 1;
}
static inline void spin_unlock(struct spinlock *l)
{
    if (!l->locked)
        __builtin_trap();
    l->locked = 0;
}
#define spin_assert_held(l) ((l)->locked ? (void)0 : __builtin_trap())

#include "../../ob/object.c"

/* ---- the kernel services object.c calls ---------------------------------------------- */

static int heap_live, fail_next;

void *kmalloc(size_t size)
{
    if (fail_next) {
        fail_next = 0;
        return NULL;
    }
    void *p = malloc(size ? size : 1);
    heap_live += p != NULL;
    return p;
}

void kfree(void *p)
{
    heap_live -= p != NULL;
    free(p);
}

void panic(const char *fmt, ...)
{
    (void)fmt;
    __builtin_trap();
}

/* ---- the objects and the model ---------------------------------------------------- */

#define SLOTS 8
#define MAX_UNITS (OB_NAME_MAX + 8)

struct test_obj {
    struct kobject obj;
    int id;
};

static int destroyed;

static void test_destroy(struct kobject *o)
{
    destroyed++;
    kfree(o);
}

static const struct kobj_type test_type = { .name = "Test", .destroy = test_destroy };

static struct slot {
    struct test_obj *o;      /* NULL: empty */
    int handles;             /* handles the harness holds */
    bool named;
    size_t len;
    uint16_t name[MAX_UNITS];
} slots[SLOTS];

/* The rule of ob/object.h, written from its contract, not from name_ok: a backslash
 * first, 2..OB_NAME_MAX units, no NUL, no empty component (two backslashes in a row,
 * or one at the end). */
static bool model_name_ok(const uint16_t *n, size_t len)
{
    if (len < 2 || len > OB_NAME_MAX || n[0] != '\\')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (n[i] == 0)
            return false;
        if (n[i] == '\\' && (i + 1 == len || n[i + 1] == '\\'))
            return false;
    }
    return true;
}

static struct slot *model_find(const uint16_t *n, size_t len)
{
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].o && slots[i].named && slots[i].len == len &&
            memcmp(slots[i].name, n, len * 2) == 0)
            return &slots[i];
    return NULL;
}

static uint64_t model_names(void)
{
    uint64_t n = 0;
    for (int i = 0; i < SLOTS; i++)
        n += slots[i].o && slots[i].named;
    return n;
}

/* The last handle of a slot is gone: its name went with it; drop the slot's reference. */
static void close_one(struct slot *s)
{
    ob_handle_closed(&s->o->obj);
    if (--s->handles == 0) {
        if (s->o->obj.name)
            __builtin_trap(); /* a name outlived its last handle */
        s->named = false;
        kobj_unref(&s->o->obj);
        s->o = NULL;
    }
}

/* ---- input ------------------------------------------------------------------------ */

static const uint8_t *in;
static size_t left;

static uint8_t byte(void)
{
    if (!left)
        return 0;
    left--;
    return *in++;
}

/* A name: a length byte (times 2 for the long ones), then units. A unit is a byte
 * mapped so the interesting ones come often: backslash, NUL, letters of both cases, a
 * unit past Latin-1, or a raw 16-bit unit. */
static size_t read_name(uint16_t *out)
{
    uint8_t l = byte();
    size_t len = l < 0xf0 ? l : (size_t)OB_NAME_MAX - 8 + (l - 0xf0);
    if (len > MAX_UNITS)
        len = MAX_UNITS;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = byte();
        switch (b >> 5) {
        case 0: out[i] = '\\'; break;
        case 1: out[i] = 'a' + (b & 3); break;
        case 2: out[i] = 'A' + (b & 3); break;
        case 3: out[i] = b == 0x60 ? 0 : 0x4e00 + (b & 31); break;
        default: out[i] = (uint16_t)(b | (byte() << 8)); break;
        }
    }
    return len;
}

static void run(void)
{
    static uint16_t name[MAX_UNITS];

    while (left) {
        uint8_t op = byte();
        struct slot *s = &slots[(op >> 4) % SLOTS];
        switch (op & 7) {
        case 0: { /* create in slot s (if empty) with a name, or unnamed for length 0 */
            size_t len = read_name(name);
            if (s->o)
                break;
            struct test_obj *o = kmalloc(sizeof *o);
            if (!o)
                break;
            kobj_init(&o->obj, &test_type);
            o->id = (int)(s - slots);
            if (len == 0) { /* unnamed: one handle, no name */
                ob_handle_opened(&o->obj);
                *s = (struct slot){ .o = o, .handles = 1 };
                break;
            }
            struct kobject *existing = (struct kobject *)1;
            bool failing = fail_next;
            int rc = ob_name_insert(&o->obj, name, len, &existing);
            struct slot *owner = model_find(name, len);
            if (!model_name_ok(name, len)) {
                if (rc != K_EBADNAME || existing != NULL)
                    __builtin_trap();
                kobj_unref(&o->obj);
            } else if (failing) {
                if (rc != K_ENOMEM || existing != NULL)
                    __builtin_trap();
                kobj_unref(&o->obj);
            } else if (owner) { /* taken: the existing object, with a handle for us */
                if (rc != K_EEXIST || existing != &owner->o->obj)
                    __builtin_trap();
                owner->handles++;
                kobj_unref(existing); /* the reference the lookup gave */
                kobj_unref(&o->obj);
            } else {
                if (rc != 0 || existing != NULL || o->obj.name == NULL)
                    __builtin_trap();
                *s = (struct slot){ .o = o, .handles = 1, .named = true, .len = len };
                memcpy(s->name, name, len * 2);
            }
            break;
        }
        case 1: { /* open by name */
            size_t len = read_name(name);
            struct kobject *found = (struct kobject *)1;
            int rc = ob_name_lookup(name, len, &found);
            struct slot *owner = model_name_ok(name, len) ? model_find(name, len) : NULL;
            if (!model_name_ok(name, len)) {
                if (rc != K_EBADNAME || found != NULL)
                    __builtin_trap();
            } else if (!owner) {
                if (rc != K_ENOENT || found != NULL)
                    __builtin_trap();
            } else {
                if (rc != 0 || found != &owner->o->obj)
                    __builtin_trap();
                owner->handles++;
                kobj_unref(found);
            }
            break;
        }
        case 2: case 3: /* close one handle of slot s */
            if (s->o)
                close_one(s);
            break;
        case 4: { /* read the name back, into a buffer of a chosen size */
            uint16_t buf[MAX_UNITS];
            size_t cap = byte() % (MAX_UNITS + 1);
            if (!s->o)
                break;
            size_t got = ob_name_get(&s->o->obj, buf, cap);
            size_t want = s->named ? (s->len < cap ? s->len : cap) : 0;
            if (got != want || memcmp(buf, s->name, got * 2) != 0)
                __builtin_trap();
            break;
        }
        case 5: /* the next allocation fails */
            fail_next = 1;
            break;
        case 6: { /* a name made from a live one: its case flipped, or cut short */
            int from = byte() % SLOTS;
            if (!slots[from].o || !slots[from].named)
                break;
            size_t len = slots[from].len;
            memcpy(name, slots[from].name, len * 2);
            if (op & 8) {
                for (size_t i = 0; i < len; i++)
                    if ((name[i] | 0x20) >= 'a' && (name[i] | 0x20) <= 'z')
                        name[i] ^= 0x20;
            } else if (len > 2) {
                len--;
            }
            struct kobject *found = NULL;
            int rc = ob_name_lookup(name, len, &found);
            struct slot *owner = model_name_ok(name, len) ? model_find(name, len) : NULL;
            if (owner ? rc != 0 || found != &owner->o->obj : rc == 0)
                __builtin_trap();
            if (found) {
                owner->handles++;
                kobj_unref(found);
            }
            break;
        }
        default:
            break;
        }
        if (ob_name_count() != model_names())
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int heap0 = heap_live;
    uint64_t live0 = kobj_live_count();

    in = data;
    left = size;
    fail_next = 0;
    run();
    fail_next = 0;
    for (int i = 0; i < SLOTS; i++)
        while (slots[i].o)
            close_one(&slots[i]);
    if (ob_name_count() != 0 || kobj_live_count() != live0 || heap_live != heap0)
        __builtin_trap();
    return 0;
}
