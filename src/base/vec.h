/*
 * vec.h - a growable array of fixed-size elements.
 *
 * The vector owns its storage (freed by vec_fini). vec_push returns a
 * pointer to a new zeroed slot, or NULL when out of memory; pointers into
 * the vector are invalidated by the next vec_push.
 */
#ifndef CANDOR_BASE_VEC_H
#define CANDOR_BASE_VEC_H

#include <stddef.h>

struct vec {
    void *data;
    size_t n;
    size_t cap;
    size_t elem;
};

void vec_init(struct vec *v, size_t elem_size);
void vec_fini(struct vec *v);
void *vec_push(struct vec *v);
/* Ensures room for n elements in all. */
int vec_reserve(struct vec *v, size_t n);
/* Hands the elements over (free with mem_free) and resets v. */
void *vec_take(struct vec *v, size_t *n);

static inline void *vec_at(const struct vec *v, size_t i)
{
    return (char *)v->data + i * v->elem;
}

#endif
