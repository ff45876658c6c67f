#include "base/vec.h"

#include <string.h>

#include "base/mem.h"

void vec_init(struct vec *v, size_t elem_size)
{
    v->data = NULL;
    v->n = 0;
    v->cap = 0;
    v->elem = elem_size;
}

void vec_fini(struct vec *v)
{
    mem_free(v->data);
    v->data = NULL;
    v->n = 0;
    v->cap = 0;
}

int vec_reserve(struct vec *v, size_t n)
{
    size_t cap;
    void *p;

    if (n <= v->cap)
        return 0;
    cap = v->cap < 8 ? 8 : v->cap;
    while (cap < n) {
        if (cap > (size_t)-1 / 2)
            return -1;
        cap *= 2;
    }
    p = mem_realloc_array(v->data, cap, v->elem);
    if (p == NULL)
        return -1;
    v->data = p;
    v->cap = cap;
    return 0;
}

void *vec_push(struct vec *v)
{
    void *slot;

    if (v->n == v->cap && vec_reserve(v, v->n + 1) != 0)
        return NULL;
    slot = (char *)v->data + v->n * v->elem;
    memset(slot, 0, v->elem);
    v->n++;
    return slot;
}

void *vec_take(struct vec *v, size_t *n)
{
    void *p = v->data;

    *n = v->n;
    v->data = NULL;
    v->n = 0;
    v->cap = 0;
    return p;
}
