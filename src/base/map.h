/*
 * map.h - a hash map from byte-string keys to 64-bit values.
 *
 * Open addressing with linear probing. The map copies nothing: keys must
 * outlive the map (callers keep them in an arena). Used at compile time for
 * identifiers; never on a per-byte or per-match path.
 */
#ifndef CANDOR_BASE_MAP_H
#define CANDOR_BASE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct map_slot {
    const char *key;
    size_t key_len;
    uint64_t hash;
    uint64_t value;
};

struct map {
    struct map_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

void map_init(struct map *m);
void map_fini(struct map *m);
/* Inserts or replaces; false when out of memory. */
bool map_put(struct map *m, const char *key, size_t key_len, uint64_t value);
bool map_get(const struct map *m, const char *key, size_t key_len,
             uint64_t *value);
uint64_t map_hash(const void *key, size_t len);

#endif
