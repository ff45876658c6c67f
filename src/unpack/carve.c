/* carve.c - see carve.h. */
#include "unpack/carve.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "match/literals.h"

/* Which reader and magic a literal of the set stands for. */
struct sig {
    const struct unpack_reader *reader;
    uint32_t order; /* the reader's place in the table */
    uint32_t at;    /* the magic's offset in the container */
};

struct carver {
    struct literal_set *set;
    struct literal_finder *finder;
    struct sig *sigs;
    /* The last search. */
    struct carve_candidate *cands;
    uint32_t *orders; /* beside cands, for sorting */
    size_t n, cap, max;
    uint64_t from;
    bool more;
    bool failed;
};

void carver_free(struct carver *c)
{
    if (c == NULL)
        return;
    literal_finder_free(c->finder);
    literal_set_free(c->set);
    mem_free(c->sigs);
    mem_free(c->cands);
    mem_free(c->orders);
    mem_free(c);
}

enum candor_status carver_new(struct carver **out)
{
    size_t n_readers, n = 0;
    const struct unpack_reader *const *readers = unpack_readers(&n_readers);
    struct carver *c = mem_calloc(1, sizeof(*c));
    struct literal *lits = NULL;
    enum candor_status rc = CANDOR_ERROR_NOMEM;

    *out = NULL;
    for (size_t i = 0; i < n_readers; i++)
        n += readers[i]->n_magics;
    if (c == NULL || (c->sigs = mem_calloc(n ? n : 1, sizeof(*c->sigs))) ==
                         NULL ||
        (lits = mem_calloc(n ? n : 1, sizeof(*lits))) == NULL)
        goto out;
    n = 0;
    for (size_t i = 0; i < n_readers; i++) {
        for (unsigned j = 0; j < readers[i]->n_magics; j++, n++) {
            const struct unpack_magic *m = &readers[i]->magics[j];
            lits[n].bytes = (const uint8_t *)m->bytes;
            lits[n].len = m->len;
            c->sigs[n] = (struct sig){readers[i], (uint32_t)i, m->at};
        }
    }
    rc = literal_set_new(lits, (uint32_t)n, &c->set);
    if (rc == CANDOR_OK)
        rc = literal_finder_new(c->set, &c->finder);
out:
    mem_free(lits);
    if (rc != CANDOR_OK)
        carver_free(c);
    else
        *out = c;
    return rc;
}

static int found(uint32_t id, uint64_t start, void *ctx)
{
    struct carver *c = ctx;
    const struct sig *s = &c->sigs[id];

    if (start < s->at || start - s->at < c->from)
        return 0;
    if (c->n == c->max) {
        c->more = true;
        return 1;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct carve_candidate *cands =
            mem_realloc_array(c->cands, cap, sizeof(*cands));
        uint32_t *orders;
        if (cands == NULL) {
            c->failed = true;
            return 1;
        }
        c->cands = cands;
        orders = mem_realloc_array(c->orders, cap, sizeof(*orders));
        if (orders == NULL) {
            c->failed = true;
            return 1;
        }
        c->orders = orders;
        c->cap = cap;
    }
    c->cands[c->n] = (struct carve_candidate){start - s->at, s->reader};
    c->orders[c->n] = s->order;
    c->n++;
    return 0;
}

/* Sorting keys: offset, then the reader's place in the table. */
struct key {
    uint64_t offset;
    uint32_t order;
    const struct unpack_reader *reader;
};

static int by_key(const void *x, const void *y)
{
    const struct key *a = x, *b = y;

    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

enum candor_status carver_find(struct carver *c, const uint8_t *data,
                               size_t len, uint64_t from, size_t max,
                               struct carve_candidate **out, size_t *n,
                               bool *more)
{
    enum candor_status rc;
    struct key *keys;
    size_t m = 0;

    c->n = 0;
    c->max = max;
    c->from = from;
    c->more = c->failed = false;
    *out = NULL;
    *n = 0;
    *more = false;
    rc = literal_find(c->finder, data, len, found, c);
    if (rc != CANDOR_OK)
        return rc;
    if (c->failed)
        return CANDOR_ERROR_NOMEM;
    if (c->n == 0)
        return CANDOR_OK;
    keys = mem_calloc(c->n, sizeof(*keys));
    if (keys == NULL)
        return CANDOR_ERROR_NOMEM;
    for (size_t i = 0; i < c->n; i++)
        keys[i] = (struct key){c->cands[i].offset, c->orders[i],
                               c->cands[i].reader};
    qsort(keys, c->n, sizeof(*keys), by_key);
    /* One candidate per offset and reader (a reader with several magics
       that all match at one place, as tar's and cpio's may not, but
       bzip2's levels could never). */
    for (size_t i = 0; i < c->n; i++) {
        if (m > 0 && c->cands[m - 1].offset == keys[i].offset &&
            c->cands[m - 1].reader == keys[i].reader)
            continue;
        c->cands[m++] =
            (struct carve_candidate){keys[i].offset, keys[i].reader};
    }
    mem_free(keys);
    *out = mem_memdup(c->cands, m * sizeof(*c->cands));
    if (*out == NULL)
        return CANDOR_ERROR_NOMEM;
    *n = m;
    *more = c->more;
    return CANDOR_OK;
}
