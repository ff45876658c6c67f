/*
 * mem.h - the one allocator every part of candor uses.
 *
 * A thin layer over malloc with a test hook: mem_fail_after(n) makes the
 * n-th allocation from now on fail (and every one after it), so a test can
 * sweep n and prove that every failure path returns CANDOR_ERROR_NOMEM
 * without leaking or crashing. The counter is process-wide and atomic.
 */
#ifndef CANDOR_BASE_MEM_H
#define CANDOR_BASE_MEM_H

#include <stddef.h>

void *mem_alloc(size_t size);
void *mem_calloc(size_t n, size_t size);
/* Like realloc, but n * size is checked for overflow. */
void *mem_realloc_array(void *p, size_t n, size_t size);
void mem_free(void *p);
char *mem_strdup(const char *s);
void *mem_memdup(const void *p, size_t len);

/* Test hook: fail the n-th allocation from now (1 = the next); 0 disables. */
void mem_fail_after(unsigned long n);
/* Allocations made since the process started (for sweeps). */
unsigned long mem_count(void);

#endif
