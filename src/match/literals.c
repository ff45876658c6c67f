/* literals.c - see literals.h. */
#include "match/literals.h"

#include <hs.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/mem.h"

/* Pieces searched at once: vectorscan takes at most UINT_MAX bytes. */
#define PIECE ((size_t)1 << 30)

struct literal_set {
    hs_database_t *hs;
    uint32_t *lens; /* of each literal, to turn end offsets into starts */
    uint32_t n, max_len;
};

struct literal_finder {
    const struct literal_set *set;
    hs_scratch_t *scratch;
};

enum candor_status literal_set_new(const struct literal *lits, uint32_t n,
                                   struct literal_set **out)
{
    struct literal_set *set = mem_calloc(1, sizeof(*set));
    char **exprs = mem_calloc(n ? n : 1, sizeof(*exprs));
    unsigned *flags = mem_calloc(n ? n : 1, sizeof(*flags));
    unsigned *ids = mem_calloc(n ? n : 1, sizeof(*ids));
    enum candor_status rc = CANDOR_ERROR_NOMEM;
    hs_compile_error_t *err = NULL;

    *out = NULL;
    if (set == NULL || exprs == NULL || flags == NULL || ids == NULL ||
        (set->lens = mem_calloc(n ? n : 1, sizeof(*set->lens))) == NULL)
        goto out;
    set->n = n;
    for (uint32_t i = 0; i < n; i++) {
        char *p;
        if (lits[i].len == 0) {
            rc = CANDOR_ERROR_INTERNAL;
            goto out;
        }
        p = exprs[i] = mem_alloc((size_t)lits[i].len * 4 + 1);
        if (p == NULL)
            goto out;
        for (uint32_t j = 0; j < lits[i].len; j++)
            p += snprintf(p, 5, "\\x%02x", lits[i].bytes[j]);
        flags[i] = 0;
        ids[i] = i;
        set->lens[i] = lits[i].len;
        if (lits[i].len > set->max_len)
            set->max_len = lits[i].len;
    }
    if (n > 0 &&
        hs_compile_multi((const char *const *)exprs, flags, ids, n,
                         HS_MODE_BLOCK, NULL, &set->hs, &err) != HS_SUCCESS) {
        hs_free_compile_error(err);
        set->hs = NULL;
        rc = CANDOR_ERROR_INTERNAL;
        goto out;
    }
    *out = set;
    set = NULL;
    rc = CANDOR_OK;
out:
    for (uint32_t i = 0; exprs != NULL && i < n; i++)
        mem_free(exprs[i]);
    mem_free(exprs);
    mem_free(flags);
    mem_free(ids);
    literal_set_free(set);
    return rc;
}

void literal_set_free(struct literal_set *set)
{
    if (set == NULL)
        return;
    hs_free_database(set->hs);
    mem_free(set->lens);
    mem_free(set);
}

enum candor_status literal_finder_new(const struct literal_set *set,
                                      struct literal_finder **out)
{
    struct literal_finder *f = mem_calloc(1, sizeof(*f));

    *out = NULL;
    if (f == NULL)
        return CANDOR_ERROR_NOMEM;
    f->set = set;
    if (set->hs != NULL && hs_alloc_scratch(set->hs, &f->scratch) !=
                               HS_SUCCESS) {
        mem_free(f);
        return CANDOR_ERROR_NOMEM;
    }
    *out = f;
    return CANDOR_OK;
}

void literal_finder_free(struct literal_finder *f)
{
    if (f == NULL)
        return;
    hs_free_scratch(f->scratch);
    mem_free(f);
}

struct search {
    const struct literal_set *set;
    uint64_t base;     /* offset of the piece in the data */
    uint64_t min_end;  /* ends before this were reported by the last piece */
    int (*found)(uint32_t id, uint64_t start, void *ctx);
    void *ctx;
    bool stopped;
};

static int on_match(unsigned int id, unsigned long long from,
                    unsigned long long to, unsigned int flags, void *ctx)
{
    struct search *s = ctx;
    uint64_t end = s->base + to;

    (void)from;
    (void)flags;
    if (end < s->min_end)
        return 0;
    if (s->found(id, end - s->set->lens[id], s->ctx) != 0) {
        s->stopped = true;
        return 1;
    }
    return 0;
}

enum candor_status literal_find(struct literal_finder *f, const uint8_t *data,
                                size_t len,
                                int (*found)(uint32_t id, uint64_t start,
                                             void *ctx),
                                void *ctx)
{
    struct search s = {.set = f->set, .found = found, .ctx = ctx};
    size_t overlap = f->set->max_len > 0 ? f->set->max_len - 1 : 0;
    size_t start = 0;

    if (f->set->hs == NULL || len == 0)
        return CANDOR_OK;
    /* Pieces overlap by the longest literal less one byte, so that every
       occurrence lies whole in a piece; one ending in the overlap was
       reported by the piece before. */
    for (;;) {
        size_t n = len - start < PIECE ? len - start : PIECE;
        hs_error_t err;
        s.base = start;
        err = hs_scan(f->set->hs, (const char *)data + start, (unsigned)n, 0,
                      f->scratch, on_match, &s);
        if (err == HS_SCAN_TERMINATED && s.stopped)
            return CANDOR_OK;
        if (err != HS_SUCCESS)
            return CANDOR_ERROR_INTERNAL;
        if (start + n >= len)
            return CANDOR_OK;
        s.min_end = start + n + 1;
        start += n - overlap;
    }
}
