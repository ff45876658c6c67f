#include "base/map.h"

#include <string.h>

#include "base/mem.h"

/* FNV-1a, 64-bit: keys are short identifiers, not attacker-chosen floods. */
uint64_t map_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void map_init(struct map *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
}

void map_fini(struct map *m)
{
    mem_free(m->slots);
    map_init(m);
}

static struct map_slot *find(const struct map *m, const char *key,
                             size_t key_len, uint64_t h)
{
    size_t mask = m->cap - 1;

    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct map_slot *s = &m->slots[i];
        if (s->key == NULL)
            return s;
        if (s->hash == h && s->key_len == key_len &&
            memcmp(s->key, key, key_len) == 0)
            return s;
    }
}

static bool grow(struct map *m)
{
    size_t cap = m->cap == 0 ? 16 : m->cap * 2;
    struct map_slot *old = m->slots;
    size_t old_cap = m->cap;

    m->slots = mem_calloc(cap, sizeof(*m->slots));
    if (m->slots == NULL) {
        m->slots = old;
        return false;
    }
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].key != NULL)
            *find(m, old[i].key, old[i].key_len, old[i].hash) = old[i];
    }
    mem_free(old);
    return true;
}

bool map_put(struct map *m, const char *key, size_t key_len, uint64_t value)
{
    uint64_t h = map_hash(key, key_len);
    struct map_slot *s;

    if ((m->n + 1) * 4 > m->cap * 3 && !grow(m))
        return false;
    s = find(m, key, key_len, h);
    if (s->key == NULL) {
        s->key = key;
        s->key_len = key_len;
        s->hash = h;
        m->n++;
    }
    s->value = value;
    return true;
}

bool map_get(const struct map *m, const char *key, size_t key_len,
             uint64_t *value)
{
    struct map_slot *s;

    if (m->cap == 0)
        return false;
    s = find(m, key, key_len, map_hash(key, key_len));
    if (s->key == NULL)
        return false;
    *value = s->value;
    return true;
}
