/*
 * literals.h - a set of fixed byte strings found in one vectorscan pass:
 * the signatures candor audit carves containers by (src/unpack/carve.c).
 *
 * A set is immutable once built and may be shared by threads; a finder
 * holds one thread's scratch. Occurrences are reported by the offset of
 * their first byte, every one of them, overlapping ones included, in
 * increasing order of their end.
 */
#ifndef CANDOR_MATCH_LITERALS_H
#define CANDOR_MATCH_LITERALS_H

#include <stddef.h>
#include <stdint.h>

#include "candor.h"

struct literal {
    const uint8_t *bytes;
    uint32_t len; /* at least 1 */
};

struct literal_set;
struct literal_finder;

/* The literals get ids 0..n-1 in the order given. */
enum candor_status literal_set_new(const struct literal *lits, uint32_t n,
                                   struct literal_set **out);
void literal_set_free(struct literal_set *set);

enum candor_status literal_finder_new(const struct literal_set *set,
                                      struct literal_finder **out);
void literal_finder_free(struct literal_finder *f);

/*
 * Calls found(id, start, ctx) for every occurrence in data; found returns
 * nonzero to stop the search. Data of any length (vectorscan's 4 GiB
 * block limit is handled here).
 */
enum candor_status literal_find(struct literal_finder *f, const uint8_t *data,
                                size_t len,
                                int (*found)(uint32_t id, uint64_t start,
                                             void *ctx),
                                void *ctx);

#endif
