#include "base/mem.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_ulong fail_at;   /* 0: never fail */
static atomic_ulong n_allocs;

static int should_fail(void)
{
    unsigned long n = atomic_fetch_add(&n_allocs, 1) + 1;
    unsigned long at = atomic_load(&fail_at);
    return at != 0 && n >= at;
}

void mem_fail_after(unsigned long n)
{
    atomic_store(&fail_at, n == 0 ? 0 : atomic_load(&n_allocs) + n);
}

unsigned long mem_count(void)
{
    return atomic_load(&n_allocs);
}

void *mem_alloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size == 0 ? 1 : size);
}

void *mem_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);
}

void *mem_realloc_array(void *p, size_t n, size_t size)
{
    size_t total;

    if (__builtin_mul_overflow(n, size, &total))
        return NULL;
    if (should_fail())
        return NULL;
    return realloc(p, total == 0 ? 1 : total);
}

void mem_free(void *p)
{
    free(p);
}

void *mem_memdup(const void *p, size_t len)
{
    void *q = mem_alloc(len + 1);

    if (q == NULL)
        return NULL;
    if (len > 0)
        memcpy(q, p, len);
    ((char *)q)[len] = '\0';
    return q;
}

char *mem_strdup(const char *s)
{
    return mem_memdup(s, strlen(s));
}
