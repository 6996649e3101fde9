/*
 * Intrusive circular doubly-linked lists: a struct list is a head, a struct
 * list_node lives inside the element. An unlinked node points at itself, so
 * list_remove is safe to repeat and list_linked can be asked.
 */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *prev, *next;
};

struct list {
    struct list_node head;
};

#define LIST_INIT(name) { { &(name).head, &(name).head } }
#define list_entry(node, type, member) ((type *)((char *)(node) - offsetof(type, member)))

static inline void list_init(struct list *l)
{
    l->head.prev = l->head.next = &l->head;
}

static inline void list_node_init(struct list_node *n)
{
    n->prev = n->next = n;
}

static inline bool list_empty(const struct list *l)
{
    return l->head.next == &l->head;
}

static inline bool list_linked(const struct list_node *n)
{
    return n->next != n;
}

static inline void list_push_back(struct list *l, struct list_node *n)
{
    n->prev = l->head.prev;
    n->next = &l->head;
    l->head.prev->next = n;
    l->head.prev = n;
}

static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    list_node_init(n);
}

static inline struct list_node *list_first(const struct list *l)
{
    return list_empty(l) ? NULL : l->head.next;
}

#define list_for_each(pos, l) for ((pos) = (l)->head.next; (pos) != &(l)->head; (pos) = (pos)->next)
/* Safe against removal of pos. */
#define list_for_each_safe(pos, tmp, l)                                                  \
    for ((pos) = (l)->head.next, (tmp) = (pos)->next; (pos) != &(l)->head;                \
         (pos) = (tmp), (tmp) = (pos)->next)

#endif
