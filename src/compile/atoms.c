/*
 * atoms.c - yara's atom quality, and the atoms candor searches for.
 *
 * The walk keeps a segment: the run of bytes (with yara's masks) that
 * follow each other at fixed distances since the last break. What breaks a
 * run, learned from yara: a class other than '.', an optional or variable
 * repeat (after its minimum copies of a literal-only subexpression), a
 * hex jump other than [1], an anchor or word boundary, an alternative. An
 * alternative's atoms are those of all its branches (each branch must find
 * its match), with the quality of the worst; a concatenation takes the best
 * of its runs and sub-choices. Positions are tracked as a range from the
 * start of the match, so that each atom knows where a match would start.
 */
#include "compile/atoms.h"

#include <string.h>

#include "base/mem.h"

#define SEG_CAP 64u

static bool is_common(uint8_t b)
{
    return b == 0x00 || b == 0x20 || b == 0xcc || b == 0xff;
}

static bool is_filler(uint8_t b)
{
    return is_common(b) || b == 0x90;
}

static bool is_letter(uint8_t b)
{
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

int atoms_window_quality(const uint8_t *bytes, const uint8_t *mask, size_t n)
{
    uint32_t seen[8] = {0};
    int q = 0, distinct = 0;
    uint8_t only = 0;

    for (size_t i = 0; i < n; i++) {
        uint8_t m = mask != NULL ? mask[i] : 0xff, b = bytes[i];
        if (m == 0) {
            q -= 10;
            continue;
        }
        if (m != 0xff) {
            q += 4;
            continue;
        }
        q += is_common(b) ? 12 : is_letter(b) ? 18 : 20;
        if (!((seen[b >> 5] >> (b & 31)) & 1u)) {
            seen[b >> 5] |= 1u << (b & 31);
            distinct++;
            only = b;
        }
    }
    if (distinct == 1 && is_filler(only))
        return q - 10 * (int)n;
    return q + 2 * distinct;
}

int atoms_best_quality(const uint8_t *bytes, const uint8_t *mask, size_t n,
                       size_t *at)
{
    int best = ATOMS_NONE;
    size_t last = n > 4 ? n - 4 : 0;

    /* Windows of 4 (or all of a shorter run) at every start that leaves a
     * whole window, with wildcards at either end dropped. */
    for (size_t i = 0; i <= last && n > 0; i++) {
        size_t lo = i, hi = i + (n < 4 ? n : 4);
        int q;
        while (lo < hi && mask != NULL && mask[lo] == 0)
            lo++;
        while (hi > lo && mask != NULL && mask[hi - 1] == 0)
            hi--;
        if (lo == hi)
            continue;
        q = atoms_window_quality(bytes + lo, mask ? mask + lo : NULL, hi - lo);
        if (q > best) {
            best = q;
            if (at != NULL)
                *at = lo;
        }
    }
    return best;
}

int atoms_wide_quality(const uint8_t *bytes, const uint8_t *mask, size_t n,
                       int key)
{
    size_t at = 0, w;
    uint8_t wb[4], wm[4];
    int q = atoms_best_quality(bytes, mask, n, &at), qw;

    if (q == ATOMS_NONE)
        return q;
    w = n - at < 2 ? n - at : 2;
    while (w > 1 && mask != NULL && mask[at + w - 1] == 0)
        w--;
    for (size_t i = 0; i < 2 * w; i++) {
        wb[i] = (uint8_t)((i % 2 == 0 ? bytes[at + i / 2] : 0) ^
                          (key < 0 ? 0 : key));
        wm[i] = i % 2 == 0 && mask != NULL ? mask[at + i / 2] : 0xff;
        if (key >= 0 && wm[i] != 0xff)
            wm[i] = 0; /* a xored wildcard stays a wildcard */
    }
    qw = atoms_window_quality(wb, wm, 2 * w);
    return qw < q ? qw : q;
}

void atoms_fini(struct atoms *a)
{
    mem_free(a->runs);
    mem_free(a->bytes);
    memset(a, 0, sizeof(*a));
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return (a == ATOMS_INF || b == ATOMS_INF || a + b < a) ? ATOMS_INF
                                                           : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t n)
{
    uint64_t r;

    if (a == 0 || n == 0)
        return 0;
    if (a == ATOMS_INF || n == ATOMS_INF || __builtin_mul_overflow(a, n, &r))
        return ATOMS_INF;
    return r;
}

/* The shortest and longest text a node matches. */
static void len_range(const struct re_node *n, unsigned depth, uint64_t *min,
                      uint64_t *max)
{
    uint64_t a, b;

    *min = *max = 0;
    if (depth > 2 * RE_MAX_DEPTH) {
        *max = ATOMS_INF;
        return;
    }
    switch (n->kind) {
    case RE_LITERAL:
    case RE_CLASS:
    case RE_ANY:
        *min = *max = 1;
        break;
    case RE_RUN:
        *min = *max = n->n_run;
        break;
    case RE_CONCAT:
        for (uint32_t i = 0; i < n->n_kids; i++) {
            len_range(n->kids[i], depth + 1, &a, &b);
            *min = sat_add(*min, a);
            *max = sat_add(*max, b);
        }
        break;
    case RE_ALT:
        for (uint32_t i = 0; i < n->n_kids; i++) {
            len_range(n->kids[i], depth + 1, &a, &b);
            if (i == 0 || a < *min)
                *min = a;
            if (b > *max)
                *max = b;
        }
        break;
    case RE_REPEAT:
        len_range(n->kids[0], depth + 1, &a, &b);
        *min = sat_mul(a, n->min);
        *max = n->max == 0 ? 0
               : n->max == RE_INFINITE && b > 0
                   ? ATOMS_INF
                   : sat_mul(b, n->max == RE_INFINITE ? 1 : n->max);
        break;
    default:
        break;
    }
}

struct seg {
    uint8_t b[SEG_CAP], m[SEG_CAP];
    uint32_t n;
    uint64_t lo, hi; /* where b[0] is, from the start of the match */
};

/* The best choice so far: yara's quality, and our runs [first, first+n). */
struct best {
    int yq;
    int mq;
    uint32_t first, n;
};

struct walker {
    bool hex;
    bool wide;
    bool yara; /* compute yara's quality */
    bool runs; /* compute our runs */
    uint64_t max_before;
    struct atoms *out;
};

static bool push_run(struct walker *w, const uint8_t *bytes, uint32_t len,
                     uint64_t before_min, uint64_t before_max, uint32_t *id)
{
    struct atoms *o = w->out;
    struct atoms_run *r;

    if (o->n_runs == o->cap_runs) {
        uint32_t cap = o->cap_runs ? o->cap_runs * 2 : 16;
        r = mem_realloc_array(o->runs, cap, sizeof(*r));
        if (r == NULL)
            return !(o->nomem = true);
        o->runs = r;
        o->cap_runs = cap;
    }
    if (o->cap_bytes - o->n_bytes < len) {
        size_t cap = (o->cap_bytes + len) * 2;
        /* bytes may point into the pool being moved (copied runs) */
        uintptr_t at = (uintptr_t)bytes, base = (uintptr_t)o->bytes;
        bool inside = o->bytes != NULL && at >= base &&
                      at < base + o->n_bytes;
        size_t from = inside ? (size_t)(at - base) : 0;
        uint8_t *p = mem_realloc_array(o->bytes, cap, 1);
        if (p == NULL)
            return !(o->nomem = true);
        o->bytes = p;
        o->cap_bytes = cap;
        if (inside)
            bytes = p + from;
    }
    r = &o->runs[o->n_runs];
    r->off = (uint32_t)o->n_bytes;
    r->len = len;
    r->before_min = before_min;
    r->before_max = before_max;
    memcpy(o->bytes + o->n_bytes, bytes, len);
    o->n_bytes += len;
    *id = o->n_runs++;
    return true;
}

/* Rank of a fixed run for our choice: quality first, then length. */
static int rank(const uint8_t *bytes, uint32_t len)
{
    return atoms_best_quality(bytes, NULL, len, NULL) * 64 + (int)len;
}

/* Ends the segment: yara's quality of it, and its best fixed run. */
static void close_seg(struct walker *w, struct seg *s, struct best *best)
{
    uint32_t i = 0;

    if (w->yara && s->n > 0) {
        int yq = w->wide ? atoms_wide_quality(s->b, s->m, s->n, -1)
                         : atoms_best_quality(s->b, s->m, s->n, NULL);
        if (yq > best->yq)
            best->yq = yq;
    }
    while (w->runs && i < s->n) {
        uint32_t j = i, start, len, id;
        uint64_t bmax;
        int r;
        size_t at = 0;
        if (s->m[i] != 0xff) {
            i++;
            continue;
        }
        while (j < s->n && s->m[j] == 0xff)
            j++;
        start = i;
        len = j - i;
        if (len > ATOMS_MAX_RUN) {
            atoms_best_quality(s->b + i, NULL, len, &at);
            start = i + (uint32_t)at;
            if (start + ATOMS_MAX_RUN > j)
                start = j - ATOMS_MAX_RUN;
            len = ATOMS_MAX_RUN;
        }
        bmax = sat_add(s->hi, start);
        r = rank(s->b + start, len);
        if (bmax <= w->max_before && r > best->mq &&
            push_run(w, s->b + start, len, sat_add(s->lo, start), bmax, &id)) {
            best->mq = r;
            best->first = id;
            best->n = 1;
        }
        i = j;
    }
    s->lo = sat_add(s->lo, s->n);
    s->hi = sat_add(s->hi, s->n);
    s->n = 0;
}

static void seg_push(struct walker *w, struct seg *s, struct best *best,
                     uint8_t b, uint8_t m)
{
    if (s->n == SEG_CAP)
        close_seg(w, s, best);
    s->b[s->n] = b;
    s->m[s->n] = m;
    s->n++;
}

/* Ends the segment and moves the position past a node of length [a, b]. */
static void breaks(struct walker *w, struct seg *s, struct best *best,
                   uint64_t a, uint64_t b)
{
    close_seg(w, s, best);
    s->lo = sat_add(s->lo, a);
    s->hi = sat_add(s->hi, b);
}

static void take(struct best *best, const struct best *c)
{
    if (c->yq > best->yq)
        best->yq = c->yq;
    if (c->mq > best->mq) {
        best->mq = c->mq;
        best->first = c->first;
        best->n = c->n;
    }
}

/* A nibble class of a hex string: its known half, or 0 when not one. */
static uint8_t nibble_mask(const struct re_node *n, uint8_t *value)
{
    uint8_t first = 0;
    bool hi_same = true, lo_same = true, any = false;

    if (re_class_count(n) != 16)
        return 0;
    for (unsigned b = 0; b < 256; b++) {
        if (!re_class_has(n, (uint8_t)b))
            continue;
        if (!any)
            first = (uint8_t)b;
        any = true;
        hi_same &= (b & 0xf0) == (first & 0xf0);
        lo_same &= (b & 0x0f) == (first & 0x0f);
    }
    *value = hi_same ? (first & 0xf0) : (first & 0x0f);
    return hi_same ? 0xf0 : lo_same ? 0x0f : 0;
}

/* True when only literals (in concatenations) are under n. */
static bool literal_only(const struct re_node *n, unsigned depth,
                         uint64_t *len)
{
    if (depth > 64)
        return false;
    if (n->kind == RE_LITERAL) {
        (*len)++;
        return true;
    }
    if (n->kind == RE_RUN) {
        for (uint32_t i = 0; i < n->n_run; i++)
            if (n->run[n->n_run + i] != 0xff)
                return false;
        *len += n->n_run;
        return true;
    }
    if (n->kind != RE_CONCAT)
        return false;
    for (uint32_t i = 0; i < n->n_kids; i++)
        if (!literal_only(n->kids[i], depth + 1, len))
            return false;
    return true;
}

static void walk(struct walker *w, const struct re_node *n, uint64_t lo,
                 uint64_t hi, unsigned depth, struct best *out);

static void feed(struct walker *w, const struct re_node *n, struct seg *s,
                 struct best *best, unsigned depth);

static void feed_repeat(struct walker *w, const struct re_node *n,
                        struct seg *s, struct best *best, unsigned depth)
{
    const struct re_node *kid = n->kids[0];
    uint64_t klen = 0, a, b;
    struct best c;

    len_range(n, depth, &a, &b);
    if (n->min == 0 || n->hex_jump) {
        breaks(w, s, best, a, b);
        return;
    }
    if (literal_only(kid, 0, &klen) && klen > 0) {
        uint64_t copies = n->min, fed = 0;
        if (sat_mul(copies, klen) > SEG_CAP)
            copies = SEG_CAP / klen + 1;
        for (uint64_t i = 0; i < copies; i++) {
            feed(w, kid, s, best, depth + 1);
            fed += klen;
        }
        /* yara ends the run after the copies, even for {n}. */
        breaks(w, s, best, a - fed, b == ATOMS_INF ? b : b - fed);
        return;
    }
    close_seg(w, s, best);
    walk(w, kid, s->lo, s->hi, depth + 1, &c);
    take(best, &c);
    s->lo = sat_add(s->lo, a);
    s->hi = sat_add(s->hi, b);
}

static void feed_alt(struct walker *w, const struct re_node *n, struct seg *s,
                     struct best *best, unsigned depth)
{
    struct best all = {ATOMS_NONE, ATOMS_NONE, 0, 0};
    uint32_t *kid_first = mem_calloc(n->n_kids, sizeof(uint32_t));
    uint32_t *kid_n = mem_calloc(n->n_kids, sizeof(uint32_t));
    uint64_t a, b, total = 0;

    len_range(n, depth, &a, &b);
    close_seg(w, s, best);
    if (kid_first == NULL || kid_n == NULL) {
        w->out->nomem = true;
        goto out;
    }
    for (uint32_t i = 0; i < n->n_kids; i++) {
        struct best c;
        walk(w, n->kids[i], s->lo, s->hi, depth + 1, &c);
        all.yq = i == 0 || c.yq < all.yq ? c.yq : all.yq;
        all.mq = i == 0 || c.mq < all.mq ? c.mq : all.mq;
        kid_first[i] = c.first;
        kid_n[i] = c.mq == ATOMS_NONE ? 0 : c.n;
        total += kid_n[i];
    }
    if (total > ATOMS_MAX_PER_FORM)
        all.mq = ATOMS_NONE;
    if (all.mq != ATOMS_NONE) {
        /* Gather the branches' runs into one range. */
        all.first = w->out->n_runs;
        for (uint32_t i = 0; i < n->n_kids && all.mq != ATOMS_NONE; i++) {
            for (uint32_t k = 0; k < kid_n[i]; k++) {
                struct atoms_run r = w->out->runs[kid_first[i] + k];
                uint32_t id;
                if (!push_run(w, w->out->bytes + r.off, r.len, r.before_min,
                              r.before_max, &id)) {
                    all.mq = ATOMS_NONE;
                    break;
                }
            }
        }
        all.n = w->out->n_runs - all.first;
    }
    take(best, &all);
out:
    mem_free(kid_first);
    mem_free(kid_n);
    s->lo = sat_add(s->lo, a);
    s->hi = sat_add(s->hi, b);
}

static void feed(struct walker *w, const struct re_node *n, struct seg *s,
                 struct best *best, unsigned depth)
{
    uint8_t v = 0, m;

    if (depth > 2 * RE_MAX_DEPTH) {
        breaks(w, s, best, 0, ATOMS_INF);
        return;
    }
    switch (n->kind) {
    case RE_LITERAL:
        seg_push(w, s, best, n->byte, 0xff);
        break;
    case RE_ANY:
        seg_push(w, s, best, 0, 0);
        break;
    case RE_CLASS:
        if (n->dot)
            seg_push(w, s, best, 0, 0);
        else if (w->hex && (m = nibble_mask(n, &v)) != 0)
            seg_push(w, s, best, v, m);
        else
            breaks(w, s, best, 1, 1);
        break;
    case RE_RUN: /* a hex string's: its nibbles count as yara's */
        for (uint32_t i = 0; i < n->n_run; i++)
            seg_push(w, s, best, n->run[i], n->run[n->n_run + i]);
        break;
    case RE_CONCAT:
        for (uint32_t i = 0; i < n->n_kids; i++)
            feed(w, n->kids[i], s, best, depth + 1);
        break;
    case RE_REPEAT:
        feed_repeat(w, n, s, best, depth);
        break;
    case RE_ALT:
        feed_alt(w, n, s, best, depth);
        break;
    case RE_EMPTY:
        break;
    default: /* anchors and word boundaries */
        breaks(w, s, best, 0, 0);
        break;
    }
}

static void walk(struct walker *w, const struct re_node *n, uint64_t lo,
                 uint64_t hi, unsigned depth, struct best *out)
{
    struct seg s;

    s.n = 0;
    s.lo = lo;
    s.hi = hi;
    out->yq = ATOMS_NONE;
    out->mq = ATOMS_NONE;
    out->first = out->n = 0;
    feed(w, n, &s, out, depth);
    close_seg(w, &s, out);
}

/*
 * yara splits a hex string at every jump longer than 200 bytes (or
 * unbounded) and looks each piece up on its own: it warns when any piece
 * is poor. Only top-level jumps can be that long.
 */
static int chained_quality(struct walker *w, const struct re_node *root)
{
    int q = ATOMS_NONE;
    bool first = true;
    uint32_t from = 0;

    if (root->kind != RE_CONCAT) {
        struct best b;
        walk(w, root, 0, 0, 0, &b);
        return b.yq;
    }
    for (uint32_t i = 0; i <= root->n_kids; i++) {
        const struct re_node *k = i < root->n_kids ? root->kids[i] : NULL;
        struct re_node piece;
        struct best b;
        if (k != NULL && !(k->kind == RE_REPEAT && k->hex_jump &&
                           (k->max == RE_INFINITE ||
                            k->max > RE_MAX_HEX_ALT_JUMP)))
            continue;
        if (i > from) {
            memset(&piece, 0, sizeof(piece));
            piece.kind = RE_CONCAT;
            piece.kids = root->kids + from;
            piece.n_kids = i - from;
            walk(w, &piece, 0, 0, 1, &b);
            if (first || b.yq < q)
                q = b.yq;
            first = false;
        }
        from = i + 1;
    }
    return q;
}

bool atoms_from_tree(const struct re_node *root, unsigned flags,
                     uint64_t max_before, struct atoms *out)
{
    struct walker w = {(flags & ATOMS_HEX) != 0, (flags & ATOMS_WIDE) != 0,
                       (flags & ATOMS_YARA) != 0, (flags & ATOMS_RUNS) != 0,
                       max_before, out};
    struct best b = {ATOMS_NONE, ATOMS_NONE, 0, 0};

    memset(out, 0, sizeof(*out));
    /* yara judges a hex string's pieces apart (it chains them). */
    w.yara = (flags & ATOMS_YARA) && !w.hex;
    if (w.yara || w.runs)
        walk(&w, root, 0, 0, 0, &b);
    out->yara_quality = b.yq;
    if ((flags & ATOMS_YARA) && w.hex) {
        w.yara = true;
        w.runs = false;
        out->yara_quality = chained_quality(&w, root);
    }
    if (out->nomem)
        return false;
    out->quality = b.mq == ATOMS_NONE ? ATOMS_NONE : b.mq / 64;
    if (b.mq != ATOMS_NONE && b.first > 0) {
        /* Move the chosen runs to the front. */
        memmove(out->runs, out->runs + b.first, b.n * sizeof(*out->runs));
    }
    out->n_runs = b.mq == ATOMS_NONE ? 0 : b.n;
    return true;
}
