#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "base/mem.h"

struct arena_chunk {
    struct arena_chunk *next;
    size_t cap;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size < 256 ? 256 : chunk_size;
    a->total = 0;
}

void arena_fini(struct arena *a)
{
    struct arena_chunk *c = a->head;

    while (c != NULL) {
        struct arena_chunk *next = c->next;
        mem_free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

void arena_reset(struct arena *a)
{
    struct arena_chunk *keep = a->head;

    if (keep == NULL)
        return;
    /* Keep the oldest chunk: it is the one of the default size. */
    while (keep->next != NULL) {
        struct arena_chunk *next = keep->next;
        mem_free(keep);
        keep = next;
    }
    keep->used = 0;
    a->head = keep;
    a->total = 0;
}

void *arena_alloc(struct arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    struct arena_chunk *c = a->head;
    size_t need, cap;

    if (size > SIZE_MAX / 2)
        return NULL;
    need = (size + align - 1) & ~(align - 1);
    if (c == NULL || c->cap - c->used < need) {
        cap = need > a->chunk_size ? need : a->chunk_size;
        c = mem_alloc(sizeof(*c) + cap);
        if (c == NULL)
            return NULL;
        c->cap = cap;
        c->used = 0;
        if (a->head != NULL && cap > a->chunk_size) {
            /* An oversized block: keep the current chunk in front. */
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += need;
    a->total += need;
    memset(p, 0, size);
    return p;
}

void *arena_alloc_array(struct arena *a, size_t n, size_t size)
{
    size_t total;

    if (__builtin_mul_overflow(n, size, &total))
        return NULL;
    return arena_alloc(a, total);
}

char *arena_memdup(struct arena *a, const void *p, size_t len)
{
    char *q;

    if (len == SIZE_MAX)
        return NULL;
    q = arena_alloc(a, len + 1);
    if (q == NULL)
        return NULL;
    if (len > 0)
        memcpy(q, p, len);
    q[len] = '\0';
    return q;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_memdup(a, s, strlen(s));
}
