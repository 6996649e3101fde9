/*
 * What the vfs host test and fuzz harness share: the glue the kernel's vfs_glue.c gives
 * the vfs, made checkable. A heap over malloc that counts live blocks and can fail at
 * the Nth allocation, a page supply that can fail too, a settable clock, and a lock
 * that calls VFS_GLUE_FAIL() (the includer's: a cmocka failure or a trap) when it is
 * taken twice or released unheld. Header-only: each program includes it once.
 */
#ifndef VFS_TEST_GLUE_H
#define VFS_TEST_GLUE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <mm/kheap.h>

#ifndef VFS_GLUE_FAIL
#error "define VFS_GLUE_FAIL(what) before including vfs_test_glue.h"
#endif

static int lock_depth, heap_live, pages_live;
static int heap_fail_after = -1, page_fail_after = -1; /* -1: never fail */
static int64_t clock_now = 130000000000000000ll;

void vfs_lock_acquire(void)
{
    if (lock_depth != 0)
        VFS_GLUE_FAIL("vfs lock taken twice");
    lock_depth++;
}

void vfs_lock_release(void)
{
    if (lock_depth != 1)
        VFS_GLUE_FAIL("vfs lock released unheld");
    lock_depth--;
}

int64_t vfs_now(void)
{
    return clock_now++;
}

/* Counts down heap_fail_after; true once it reaches 0 (and from then on). */
static bool heap_fails(void)
{
    if (heap_fail_after < 0)
        return false;
    if (heap_fail_after == 0)
        return true;
    heap_fail_after--;
    return false;
}

void *kmalloc(size_t size)
{
    if (heap_fails())
        return NULL;
    void *p = malloc(size ? size : 1);
    heap_live += p != NULL;
    return p;
}

void *kcalloc(size_t n, size_t size)
{
    if (heap_fails())
        return NULL;
    void *p = calloc(n ? n : 1, size ? size : 1);
    heap_live += p != NULL;
    return p;
}

void *krealloc(void *ptr, size_t size)
{
    if (!ptr)
        return kmalloc(size);
    if (heap_fails())
        return NULL;
    return realloc(ptr, size);
}

void kfree(void *ptr)
{
    if (ptr) {
        heap_live--;
        free(ptr);
    }
}

static void *page_alloc(void)
{
    if (page_fail_after == 0)
        return NULL;
    if (page_fail_after > 0)
        page_fail_after--;
    pages_live++;
    return calloc(1, RAMFS_PAGE_SIZE);
}

static void page_free(void *p)
{
    pages_live--;
    free(p);
}

static const struct ramfs_page_ops pages = { .alloc = page_alloc, .free = page_free };

#endif
