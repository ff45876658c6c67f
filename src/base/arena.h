/*
 * arena.h - bump allocation for objects that die together.
 *
 * An arena owns every block it hands out; arena_fini frees them all at once
 * and arena_reset keeps the first chunk for reuse (the scanner resets its
 * arena after every file). Pointers from an arena are invalidated by
 * arena_reset and arena_fini, never by further allocations. Blocks are
 * aligned for any scalar type. Not thread-safe: one arena, one owner.
 */
#ifndef CANDOR_BASE_ARENA_H
#define CANDOR_BASE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head; /* newest chunk, linked to older ones */
    size_t chunk_size;        /* default size of a new chunk */
    size_t total;             /* bytes handed out since the last reset */
};

void arena_init(struct arena *a, size_t chunk_size);
void arena_fini(struct arena *a);
void arena_reset(struct arena *a);

/* NULL when out of memory. Zero-filled. */
void *arena_alloc(struct arena *a, size_t size);
/* n * size with overflow checking; NULL on overflow or out of memory. */
void *arena_alloc_array(struct arena *a, size_t n, size_t size);
/* A NUL-terminated copy of len bytes (which may contain NULs). */
char *arena_memdup(struct arena *a, const void *p, size_t len);
char *arena_strdup(struct arena *a, const char *s);

#endif
