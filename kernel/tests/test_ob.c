/*
 * In-kernel tests of the object manager: reference and handle counts, a name that
 * lives exactly as long as some handle names it, a name taken by an object of another
 * kind, handle attributes (protected from close, inheritable), inheritance into a new
 * table at the same values, access checks on lookup, and the live-object counter.
 */
#include <abi/object.h>
#include <core/ktest.h>
#include <lib/errno.h>
#include <ob/handle.h>
#include <ob/object.h>
#include <proc/sched.h>

static int last_handle_calls;

static void count_last_handle(struct kobject *obj)
{
    (void)obj;
    last_handle_calls++;
}

static const struct kobj_type test_type = {
    .name = "Test",
    .valid_access = 0x001F0003u,
    .generic = { 0x00020001u, 0x00020002u, 0x00120000u, 0x001F0003u },
    .last_handle = count_last_handle,
};

static const uint16_t name_a[] = { '\\', 'T', '\\', 'a' };
static const uint16_t name_b[] = { '\\', 'T', '\\', 'b' };

KTEST(ob_name_lives_while_a_handle_names_it)
{
    static struct handle_table t;
    struct kobject obj, *existing = NULL, *found = NULL;
    uint64_t h1, h2;
    uint64_t names = ob_name_count();

    handle_table_init(&t);
    kobj_init(&obj, &test_type);
    last_handle_calls = 0;
    KT_ASSERT(ob_name_insert(&obj, name_a, 4, &existing) == 0);
    KT_EXPECT(ob_name_count() == names + 1);
    KT_ASSERT(handle_table_insert(&t, &obj, 0x001F0003u, 0, &h1) == 0);
    ob_handle_closed(&obj); /* the pending count of the insert */
    KT_EXPECT(obj.handles == 1);
    /* The same name again: the existing object, with a pending handle. */
    struct kobject other;
    kobj_init(&other, &test_type);
    KT_EXPECT(ob_name_insert(&other, name_a, 4, &existing) == K_EEXIST);
    KT_EXPECT(existing == &obj);
    KT_ASSERT(handle_table_insert(&t, existing, 1, 0, &h2) == 0);
    ob_handle_closed(existing);
    kobj_unref(existing);
    KT_EXPECT(obj.handles == 2 && obj.refs == 3);
    /* Lookups are exact and case-sensitive. */
    KT_EXPECT(ob_name_lookup(name_b, 4, &found) == K_ENOENT);
    const uint16_t upper[] = { '\\', 'T', '\\', 'A' };
    KT_EXPECT(ob_name_lookup(upper, 4, &found) == K_ENOENT);
    const uint16_t bad[] = { 'T', 'a' };
    KT_EXPECT(ob_name_lookup(bad, 2, &found) == K_EBADNAME);
    /* Close both handles: the name goes with the last one, not before. */
    KT_EXPECT(handle_table_close(&t, h1) == 0);
    KT_EXPECT(ob_name_lookup(name_a, 4, &found) == 0 && found == &obj);
    ob_handle_closed(found);
    kobj_unref(found);
    KT_EXPECT(last_handle_calls == 0);
    KT_EXPECT(handle_table_close(&t, h2) == 0);
    KT_EXPECT(last_handle_calls == 1);
    KT_EXPECT(ob_name_lookup(name_a, 4, &found) == K_ENOENT);
    KT_EXPECT(ob_name_count() == names);
    KT_EXPECT(obj.refs == 1 && obj.handles == 0 && obj.name == NULL);
}

KTEST(ob_handle_attributes_access_and_inheritance)
{
    static struct handle_table parent, child;
    struct kobject obj, *out;
    struct handle_entry e;
    uint64_t plain, inh, ro;

    handle_table_init(&parent);
    handle_table_init(&child);
    kobj_init(&obj, &test_type);
    KT_ASSERT(handle_table_insert(&parent, &obj, 0xFFFFFFFFu, 0, &plain) == 0);
    KT_ASSERT(handle_table_insert(&parent, &obj, 0x001F0003u, HANDLE_INHERIT, &inh) == 0);
    KT_ASSERT(handle_table_insert(&parent, &obj, 0x00100000u, HANDLE_INHERIT, &ro) == 0);
    KT_EXPECT(plain == 4 && inh == 8 && ro == 12);
    /* Access is masked to the type's bits and checked on lookup. */
    KT_EXPECT(handle_table_get(&parent, plain, NULL, 0, &out, &e) == 0 && e.access == 0x001F0003u);
    kobj_unref(out);
    KT_EXPECT(handle_table_get(&parent, ro, &test_type, 0x2, &out, NULL) == K_EACCES);
    KT_EXPECT(handle_table_get(&parent, ro, &event_type, 0, &out, NULL) == K_ETYPE);
    KT_EXPECT(handle_table_get(&parent, 16, NULL, 0, &out, NULL) == K_EBADF);
    KT_EXPECT(handle_table_get(&parent, 5, NULL, 0, &out, NULL) == K_EBADF);
    KT_EXPECT(ob_map_access(&test_type, DORMER_ACCESS_GENERIC_WRITE) == 0x00020002u);
    KT_EXPECT(ob_map_access(&test_type, DORMER_ACCESS_MAXIMUM) == 0x001F0003u);
    /* Protected from close. */
    KT_EXPECT(handle_table_set_flags(&parent, plain, HANDLE_PROTECT_FROM_CLOSE,
                                     HANDLE_PROTECT_FROM_CLOSE) == 0);
    KT_EXPECT(handle_table_close(&parent, plain) == K_EPERM);
    KT_EXPECT(handle_table_set_flags(&parent, plain, HANDLE_PROTECT_FROM_CLOSE, 0) == 0);
    /* The child gets the two inheritable handles at the same values, nothing else. */
    KT_ASSERT(handle_table_inherit(&child, &parent) == 0);
    KT_EXPECT(child.count == 2 && obj.handles == 5 && obj.refs == 6);
    KT_EXPECT(handle_table_get(&child, plain, NULL, 0, &out, NULL) == K_EBADF);
    KT_EXPECT(handle_table_get(&child, inh, NULL, 0, &out, &e) == 0 &&
              e.flags == HANDLE_INHERIT && e.access == 0x001F0003u);
    kobj_unref(out);
    handle_table_close_all(&child);
    handle_table_close_all(&parent);
    KT_EXPECT(child.count == 0 && parent.count == 0);
    KT_EXPECT(obj.handles == 0 && obj.refs == 1);
}

KTEST(ob_handle_table_fills_and_counts)
{
    static struct handle_table t;
    struct kobject obj;
    uint64_t h = 0, open = handle_open_count();

    handle_table_init(&t);
    kobj_init(&obj, &test_type);
    for (int i = 0; i < HANDLE_TABLE_SIZE; i++)
        KT_ASSERT(handle_table_insert(&t, &obj, 1, 0, &h) == 0);
    KT_EXPECT(h == 4 * HANDLE_TABLE_SIZE);
    KT_EXPECT(handle_table_insert(&t, &obj, 1, 0, &h) == K_ENOSPC);
    KT_EXPECT(handle_open_count() == open + HANDLE_TABLE_SIZE);
    KT_EXPECT(handle_table_close(&t, 40) == 0);
    KT_EXPECT(handle_table_close(&t, 40) == K_EBADF);
    KT_EXPECT(handle_table_insert(&t, &obj, 1, 0, &h) == 0 && h == 40); /* reused */
    handle_table_close_all(&t);
    KT_EXPECT(handle_open_count() == open && obj.refs == 1 && obj.handles == 0);
    /* A closed table (its process ended) takes nothing more: a duplicate into it fails
     * instead of leaving a handle nobody closes. */
    KT_EXPECT(handle_table_insert(&t, &obj, 1, 0, &h) == K_EBADF);
    KT_EXPECT(handle_open_count() == open && obj.refs == 1 && obj.handles == 0);
}
