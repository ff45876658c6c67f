/*
 * scan.c - one pass of vectorscan over the data, exact checks at its hits.
 *
 * vectorscan reports where an atom ends. A literal or masked form is
 * checked there at once (a comparison) and its match appended to the
 * string's list. A regex form instead records the window of possible match
 * starts the hit implies; windows are merged per form and handed to PCRE2,
 * which finds every start in them whose preferred match is not empty.
 * Regex forms without atoms are searched at every offset. A string's list
 * is sorted (stably: the first form to report an offset keeps it) and
 * de-duplicated once its regex forms are verified.
 *
 * Regex verification is the costly part, so it can wait (opts->lazy): the
 * vectorscan pass only records the windows, and a string's regex forms
 * are verified when its list is first asked for (match_scratch_list). A
 * string no condition reaches is then never verified at all. Too many
 * pending windows are verified early, which changes no result.
 *
 * Data longer than one vectorscan call (just under 4 GiB, or the piece
 * size a test sets) is scanned in pieces that overlap by the longest atom
 * less one byte; a hit is taken only in the first piece where it ends
 * past the previous piece's end, so none is lost or reported twice.
 * Verification always sees the whole data.
 */
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "match/match_int.h"

#define ST_TOUCHED 0x1u
#define ST_UNSORTED 0x2u
#define ST_DONE 0x4u
#define ST_KEEP_ALL 0x8u /* survives scans: fast mode keeps every match */
#define ST_FINAL 0x10u   /* regex forms verified, chain linked, sorted */
#define ST_FIXED 0x20u   /* survives scans: only matches at fixed[] count */
#define ST_PERSIST (ST_KEEP_ALL | ST_FIXED)
#define ST_PROBES 0xc0u  /* match_scratch_at calls this scan, up to 3 */
#define ST_PROBE 0x40u

#define WINDOW_BATCH 65536u     /* pending windows before PCRE2 runs */
#define SEARCH_CHUNK 4096u      /* start positions per PCRE2 search */
#define MAX_PIECE 0xffff0000u   /* below vectorscan's unsigned length */
#define KEEP_LIST_CAP 65536u    /* bigger lists are freed between scans */

struct window {
    uint32_t form;
    uint64_t lo, hi; /* possible match starts */
};

struct match_scratch {
    const struct match_db *db;
    /* Derived from db once: each id's regex forms, its chain. */
    uint32_t *id_first;           /* per id + 1: into id_forms */
    uint32_t *id_forms;           /* regex forms, in form order */
    uint32_t *id_chain;           /* per id: chain index, or NO_CHAIN */
    uint8_t *scan_all;            /* per form: searched everywhere */
    hs_scratch_t *hs;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    pcre2_jit_stack *jit;
    struct match_list *lists;     /* per string */
    uint8_t *state;               /* per string: ST_* */
    uint64_t *fixed;              /* per string, for ST_FIXED (lazily) */
    int *dfa_ws;                  /* pcre2_dfa_match workspace (lazily) */
    size_t dfa_ws_n;              /* its size in ints */
    uint32_t *touched;            /* strings with state != 0 */
    uint32_t n_touched;
    uint32_t *form_last;          /* per form: 1 + its newest window */
    struct window *win;
    size_t n_win, cap_win;
    struct match *tmp;            /* merge-sort buffer */
    size_t cap_tmp;
    uint64_t *chain_end[2];       /* chain ends of two adjacent pieces */
    uint32_t *chain_next;         /* next piece match completing a chain */
    size_t cap_chain;
    uint64_t piece_size;
    struct match_stats stats;
    /* The scan in progress. */
    const uint8_t *data;
    size_t len;
    struct match_scan_opts opts;
    uint32_t max_per_string;
    uint64_t base;                /* data offset of the current piece */
    uint64_t accept_after;        /* hits ending at or before: seen */
    bool all_final;               /* every list is final (eager scan) */
    bool any_overflow;            /* some list reached max_per_string */
    enum candor_status status;
    uint32_t ticks;
};

static const struct match_list empty_list;

#define NO_CHAIN UINT32_MAX

/* Each id's regex forms (id_first, id_forms), chain and scan-all forms. */
static bool index_db(struct match_scratch *s)
{
    const struct match_db *db = s->db;
    uint32_t n_regex = 0;

    s->id_first = mem_calloc((size_t)db->n_ids + 1, sizeof(uint32_t));
    s->id_chain = mem_realloc_array(NULL, db->n_ids ? db->n_ids : 1,
                                   sizeof(uint32_t));
    s->scan_all = mem_calloc(db->n_forms ? db->n_forms : 1, 1);
    if (s->id_first == NULL || s->id_chain == NULL || s->scan_all == NULL)
        return false;
    for (uint32_t i = 0; i < db->n_forms; i++)
        if (db->forms[i].kind == FORM_REGEX) {
            s->id_first[db->forms[i].string_id + 1]++;
            n_regex++;
        }
    for (uint32_t i = 0; i < db->n_ids; i++)
        s->id_first[i + 1] += s->id_first[i];
    s->id_forms = mem_realloc_array(NULL, n_regex ? n_regex : 1, sizeof(uint32_t));
    if (s->id_forms == NULL)
        return false;
    /* id_chain doubles as the fill cursor of each id's forms. */
    for (uint32_t i = 0; i < db->n_ids; i++)
        s->id_chain[i] = s->id_first[i];
    for (uint32_t i = 0; i < db->n_forms; i++)
        if (db->forms[i].kind == FORM_REGEX)
            s->id_forms[s->id_chain[db->forms[i].string_id]++] = i;
    for (uint32_t i = 0; i < db->n_ids; i++)
        s->id_chain[i] = NO_CHAIN;
    for (uint32_t i = 0; i < db->n_chains; i++)
        s->id_chain[db->chains[i].string_id] = i;
    for (uint32_t i = 0; i < db->n_scan_all; i++)
        s->scan_all[db->scan_all[i]] = 1;
    return true;
}

enum candor_status match_scratch_new(const struct match_db *db,
                                     struct match_scratch **out)
{
    struct match_scratch *s = mem_calloc(1, sizeof(*s));
    uint32_t ns = db->n_ids ? db->n_ids : 1;
    uint32_t nf = db->n_forms ? db->n_forms : 1;

    if (s == NULL)
        return CANDOR_ERROR_NOMEM;
    s->db = db;
    s->lists = mem_calloc(ns, sizeof(*s->lists));
    s->state = mem_calloc(ns, 1);
    s->touched = mem_calloc(ns, sizeof(*s->touched));
    s->form_last = mem_calloc(nf, sizeof(*s->form_last));
    s->md = pcre2_match_data_create(1, NULL);
    s->mc = pcre2_match_context_create(NULL);
    s->jit = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, NULL);
    if (s->lists == NULL || s->state == NULL || s->touched == NULL ||
        s->form_last == NULL || s->md == NULL || s->mc == NULL ||
        s->jit == NULL || !index_db(s) ||
        (db->hs != NULL && hs_alloc_scratch(db->hs, &s->hs) != HS_SUCCESS)) {
        match_scratch_free(s);
        return CANDOR_ERROR_NOMEM;
    }
    pcre2_set_match_limit(s->mc, MATCH_PCRE_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mc, MATCH_PCRE_DEPTH_LIMIT);
    pcre2_set_heap_limit(s->mc, MATCH_PCRE_HEAP_LIMIT_KB);
    pcre2_jit_stack_assign(s->mc, NULL, s->jit);
    *out = s;
    return CANDOR_OK;
}

void match_scratch_free(struct match_scratch *s)
{
    if (s == NULL)
        return;
    if (s->lists != NULL)
        for (uint32_t i = 0; i < s->db->n_ids; i++)
            mem_free(s->lists[i].m);
    mem_free(s->id_first);
    mem_free(s->id_forms);
    mem_free(s->id_chain);
    mem_free(s->scan_all);
    mem_free(s->fixed);
    mem_free(s->dfa_ws);
    mem_free(s->chain_end[0]);
    mem_free(s->chain_end[1]);
    mem_free(s->chain_next);
    mem_free(s->lists);
    mem_free(s->state);
    mem_free(s->touched);
    mem_free(s->form_last);
    mem_free(s->win);
    mem_free(s->tmp);
    if (s->hs != NULL)
        hs_free_scratch(s->hs);
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mc);
    pcre2_jit_stack_free(s->jit);
    mem_free(s);
}

void match_scratch_keep_all(struct match_scratch *s, uint32_t string_id,
                            bool keep)
{
    if (string_id >= s->db->n_strings)
        return;
    if (keep)
        s->state[string_id] |= ST_KEEP_ALL;
    else
        s->state[string_id] &= (uint8_t)~ST_KEEP_ALL;
}

enum candor_status match_scratch_fix_offset(struct match_scratch *s,
                                            uint32_t string_id,
                                            uint64_t offset)
{
    if (string_id >= s->db->n_strings)
        return CANDOR_OK;
    if (s->fixed == NULL &&
        (s->fixed = mem_calloc(s->db->n_strings, sizeof(*s->fixed))) == NULL)
        return CANDOR_ERROR_NOMEM;
    s->fixed[string_id] = offset;
    s->state[string_id] |= ST_FIXED;
    return CANDOR_OK;
}

void match_scratch_set_piece_size(struct match_scratch *s, uint64_t n)
{
    s->piece_size = n;
}

void match_scratch_stats(const struct match_scratch *s,
                         struct match_stats *out)
{
    *out = s->stats;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* True (and the status set) once the deadline has passed. */
static bool timed_out(struct match_scratch *s)
{
    if (s->opts.deadline_ns != 0 && now_ns() >= s->opts.deadline_ns) {
        s->status = CANDOR_ERROR_TIMEOUT;
        return true;
    }
    return false;
}

static void touch(struct match_scratch *s, uint32_t sid)
{
    if (!(s->state[sid] & ST_TOUCHED)) {
        s->state[sid] |= ST_TOUCHED;
        s->touched[s->n_touched++] = sid;
    }
}

static void add_match(struct match_scratch *s, uint32_t sid, uint64_t off,
                      uint64_t len, uint8_t key)
{
    struct match_list *l = &s->lists[sid];
    struct match *m;

    if (len == 0 || len > UINT32_MAX)
        return;
    if ((s->state[sid] & ST_FIXED) && off != s->fixed[sid])
        return;
    touch(s, sid);
    if (s->state[sid] & ST_DONE)
        return;
    if (l->n > 0) {
        uint64_t last = l->m[l->n - 1].offset;
        if (last == off)
            return;
        if (last > off)
            s->state[sid] |= ST_UNSORTED;
    }
    if (l->n >= s->max_per_string) {
        l->overflow = true;
        s->any_overflow = true;
        s->state[sid] |= ST_DONE;
        return;
    }
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 16;
        if (cap > s->max_per_string || cap < l->cap)
            cap = s->max_per_string;
        m = mem_realloc_array(l->m, cap, sizeof(*m));
        if (m == NULL) {
            s->status = CANDOR_ERROR_NOMEM;
            return;
        }
        l->m = m;
        l->cap = cap;
    }
    m = &l->m[l->n++];
    m->offset = off;
    m->len = (uint32_t)len;
    m->xor_key = key;
    /* chain pieces need all their matches */
    if (s->opts.fast && sid < s->db->n_strings &&
        !(s->state[sid] & ST_KEEP_ALL))
        s->state[sid] |= ST_DONE;
}

static bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* yara's fullword: for wide strings a neighbour is an alnum byte next to
 * a zero byte on the side away from the match. */
static bool fullword_ok(const struct match_scratch *s, uint64_t start,
                        uint64_t len, bool wide)
{
    const uint8_t *d = s->data;
    uint64_t end = start + len;

    if (wide)
        return !(start >= 2 && is_alnum(d[start - 2]) && d[start - 1] == 0) &&
               !(end + 1 < s->len && is_alnum(d[end]) && d[end + 1] == 0);
    return !(start >= 1 && is_alnum(d[start - 1])) &&
           !(end < s->len && is_alnum(d[end]));
}

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
}

static bool verify_literal(const struct match_scratch *s,
                           const struct form *f, const struct atom *a,
                           uint64_t start)
{
    const uint8_t *p = s->data + start, *q = s->db->blob + f->off;

    if (f->len > s->len - start)
        return false;
    if (f->len != a->len) {
        if (f->flags & MATCH_NOCASE) {
            for (uint32_t i = 0; i < f->len; i++)
                if (lower(p[i]) != lower(q[i]))
                    return false;
        } else if (memcmp(p, q, f->len) != 0) {
            return false;
        }
    }
    return !(f->flags & MATCH_FULLWORD) ||
           fullword_ok(s, start, f->len, (f->flags & MATCH_WIDE) != 0);
}

static bool verify_masked(const struct match_scratch *s, const struct form *f,
                          uint64_t start)
{
    const uint8_t *p = s->data + start, *q = s->db->blob + f->off;
    const uint8_t *mask = q + f->len;

    if (f->len > s->len - start)
        return false;
    for (uint32_t i = 0; i < f->len; i++)
        if ((p[i] & mask[i]) != q[i])
            return false;
    return true;
}

/*
 * Runs a PCRE2 search of form code over data[0, end) from start, taking
 * only match starts up to limit. 1: a match at [*ms, *me); 0: none; -1: a
 * PCRE2 limit stopped it (counted, and taken as no match).
 */
static int run_pcre(struct match_scratch *s, const pcre2_code *code,
                    uint64_t end, uint64_t start, uint32_t options,
                    uint64_t limit, uint64_t *ms, uint64_t *me)
{
    int rc;

    s->stats.verifications++;
    if ((s->stats.verifications & 63) == 0 && timed_out(s))
        return 0;
    pcre2_set_offset_limit(s->mc, limit);
    if (end < s->len)
        options |= PCRE2_NOTEOL;
    rc = pcre2_match(code, s->data, end, start, options, s->md, s->mc);
    if (rc >= 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
        *ms = ov[0];
        *me = ov[1];
        return 1;
    }
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    s->stats.limit_hits++;
    return -1;
}

/*
 * Confirms the match PCRE2 found at *ms: when the form can match empty
 * the search ran with NOTEMPTY, so the preferred (anchored) match is
 * redone; a regex match longer than yara's scan limit is redone on a
 * subject cut there. False when no non-empty match starts at *ms.
 */
static bool settle(struct match_scratch *s, const struct form *f,
                   const pcre2_code *code, uint64_t end, uint64_t ms,
                   uint64_t *me)
{
    uint64_t a, e;

    if (f->can_be_empty) {
        if (run_pcre(s, code, end, ms, PCRE2_ANCHORED, ms, &a, &e) <= 0 ||
            e == ms)
            return false;
        *me = e;
    }
    if (!(f->flags & MATCH_HEX) && *me - ms > f->max_len) {
        uint64_t cut = ms + f->max_len;
        if (run_pcre(s, code, cut, ms, PCRE2_ANCHORED, ms, &a, &e) <= 0 ||
            e == ms)
            return false;
        *me = e;
    }
    return true;
}

#define DFA_WORKSPACE 1024     /* ints, at first */
#define DFA_WORKSPACE_MAX 8192 /* ints: grown up to this on demand (the
                                  DFA's cost grows with the square of its
                                  states: 0.1 s a kilobyte here) */

/* pcre2_dfa_match with a workspace grown as it asks. */
static int dfa_match(struct match_scratch *s, const pcre2_code *code,
                     uint64_t end, uint64_t start, uint32_t options)
{
    int rc = PCRE2_ERROR_DFA_WSSIZE;

    for (;;) {
        if (s->dfa_ws != NULL)
            rc = pcre2_dfa_match(code, s->data, end, start, options, s->md,
                                 s->mc, s->dfa_ws, s->dfa_ws_n);
        if (rc != PCRE2_ERROR_DFA_WSSIZE || s->dfa_ws_n >= DFA_WORKSPACE_MAX)
            return rc;
        mem_free(s->dfa_ws);
        s->dfa_ws_n = s->dfa_ws_n ? s->dfa_ws_n * 4 : DFA_WORKSPACE;
        if ((s->dfa_ws = mem_calloc(s->dfa_ws_n, sizeof(int))) == NULL) {
            s->dfa_ws_n = 0;
            s->status = CANDOR_ERROR_NOMEM;
            return PCRE2_ERROR_NOMEMORY;
        }
    }
}

/* Whether PCRE2 text has a lazy quantifier (yara allows no mix, so then
 * every quantifier is; hex jumps are lazy). */
static bool lazy_pattern(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] == '\\') {
            i++;
        } else if (p[i] == '[') {
            for (i++; i < n && p[i] != ']'; i++)
                i += p[i] == '\\';
        } else if ((p[i] == '*' || p[i] == '+' || p[i] == '?' ||
                    p[i] == '}') && p[i + 1] == '?' && (i == 0 ||
                    p[i - 1] != '(')) {
            return true;
        }
    }
    return false;
}

/*
 * A search that PCRE2's limits stopped (a nested repeat such as `(.+)*`
 * backtracks exponentially at a start where nothing matches, and the
 * whole search fails with it): finds the first start in [start, limit]
 * where a match exists with the DFA algorithm, which never backtracks
 * (asking for the shortest match, so it stops at the first), then takes
 * PCRE2's preferred match there; when PCRE2 fails there too, the shortest
 * match for a lazy pattern, the DFA's longest for a greedy one. Returns
 * as run_pcre; -1 when the DFA fails too.
 */
static int run_dfa(struct match_scratch *s, const struct form *f,
                   const pcre2_code *code, uint64_t end, uint64_t start,
                   uint32_t options, uint64_t limit, uint64_t *ms,
                   uint64_t *me)
{
    uint64_t a, e;
    PCRE2_SIZE *ov;
    int rc;

    pcre2_set_offset_limit(s->mc, limit);
    if (end < s->len)
        options |= PCRE2_NOTEOL;
    rc = dfa_match(s, code, end, start, options | PCRE2_DFA_SHORTEST);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0)
        return -1;
    ov = pcre2_get_ovector_pointer(s->md);
    *ms = ov[0];
    *me = ov[1];
    if (run_pcre(s, code, end, *ms, (options & ~PCRE2_NOTEOL) |
                 PCRE2_ANCHORED, *ms, &a, &e) == 1)
        *me = e;
    else if (!lazy_pattern((const char *)s->db->blob + f->off, f->len) &&
             dfa_match(s, code, end, *ms, options | PCRE2_ANCHORED) >= 0)
        *me = pcre2_get_ovector_pointer(s->md)[1];
    return 1;
}

/*
 * The first start in [pos, chunk_hi] where regex form f matches: 0 when
 * there is none; else *ms and *me, and 1 when that match counts (settled,
 * fullword holds) or -1 when it does not. One start (pos == chunk_hi) is
 * an anchored run.
 */
static int first_match(struct match_scratch *s, const struct form *f,
                       const pcre2_code *code, uint64_t pos,
                       uint64_t chunk_hi, uint64_t *ms, uint64_t *me)
{
    uint64_t end = s->len;
    uint32_t options = pos == chunk_hi ? PCRE2_ANCHORED : 0;
    int r;

    if (!(f->flags & MATCH_HEX) && s->len - chunk_hi > f->max_len + 2ull)
        end = chunk_hi + f->max_len + 2;
    if (f->can_be_empty)
        options |= PCRE2_NOTEMPTY;
    r = run_pcre(s, code, end, pos, options, chunk_hi, ms, me);
    if (r < 0)
        r = run_dfa(s, f, code, end, pos, options, chunk_hi, ms, me);
    if (r <= 0)
        return 0;
    return settle(s, f, code, end, *ms, me) &&
                   (!(f->flags & MATCH_FULLWORD) ||
                    fullword_ok(s, *ms, *me - *ms,
                                (f->flags & MATCH_WIDE) != 0))
               ? 1
               : -1;
}

/* Records every match of regex form fi that starts in [lo, hi]. */
static void search_range(struct match_scratch *s, uint32_t fi, uint64_t lo,
                         uint64_t hi)
{
    const struct form *f = &s->db->forms[fi];
    const pcre2_code *code = match_form_code(s->db, fi);
    uint64_t pos = lo;

    if (hi >= s->len)
        hi = s->len - 1;
    while (pos <= hi && s->status == CANDOR_OK) {
        uint64_t chunk_hi = hi - pos > SEARCH_CHUNK ? pos + SEARCH_CHUNK : hi;
        uint64_t ms, me;
        int r;

        if (s->state[f->string_id] & ST_DONE)
            return;
        r = first_match(s, f, code, pos, chunk_hi, &ms, &me);
        if (r == 0) {
            pos = chunk_hi + 1;
            continue;
        }
        if (r > 0)
            add_match(s, f->string_id, ms, me - ms, f->xor_key);
        pos = ms + 1;
    }
}

static int cmp_window(const void *pa, const void *pb)
{
    const struct window *a = pa, *b = pb;

    if (a->form != b->form)
        return a->form < b->form ? -1 : 1;
    return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* Sorts the pending windows by form, then start. */
static void sort_windows(struct match_scratch *s)
{
    if (s->n_win > 1)
        qsort(s->win, s->n_win, sizeof(*s->win), cmp_window);
}

/* Verifies the windows of one form from win[i] on, merging those that
 * touch; returns the index after them. */
static size_t run_form_windows(struct match_scratch *s, size_t i)
{
    uint32_t form = s->win[i].form;

    while (i < s->n_win && s->win[i].form == form &&
           s->status == CANDOR_OK) {
        uint64_t lo = s->win[i].lo, hi = s->win[i].hi;
        size_t j = i + 1;

        while (j < s->n_win && s->win[j].form == form &&
               s->win[j].lo <= hi + 1) {
            if (s->win[j].hi > hi)
                hi = s->win[j].hi;
            j++;
        }
        search_range(s, form, lo, hi);
        i = j;
    }
    return i;
}

/* Verifies every pending window, in form order. */
static void run_windows(struct match_scratch *s)
{
    size_t i = 0;

    sort_windows(s);
    while (i < s->n_win && s->status == CANDOR_OK)
        i = run_form_windows(s, i);
    for (i = 0; i < s->n_win; i++)
        s->form_last[s->win[i].form] = 0;
    s->n_win = 0;
}

static void add_window(struct match_scratch *s, const struct link *l,
                       uint64_t astart)
{
    uint64_t hi = astart - l->before_min;
    uint64_t lo = astart >= l->before_max ? astart - l->before_max : 0;
    uint32_t last = s->form_last[l->form];
    struct window *w;

    if (last != 0) {
        w = &s->win[last - 1];
        if (w->lo <= lo && lo <= w->hi + 1) {
            if (hi > w->hi)
                w->hi = hi;
            return;
        }
    }
    if (s->n_win == s->cap_win) {
        size_t cap = s->cap_win ? s->cap_win * 2 : 256;
        w = mem_realloc_array(s->win, cap, sizeof(*w));
        if (w == NULL) {
            s->status = CANDOR_ERROR_NOMEM;
            return;
        }
        s->win = w;
        s->cap_win = cap;
    }
    w = &s->win[s->n_win++];
    w->form = l->form;
    w->lo = lo;
    w->hi = hi;
    s->form_last[l->form] = (uint32_t)s->n_win;
    if (s->n_win >= WINDOW_BATCH) /* bounded memory: verify them now */
        run_windows(s);
}

static int on_atom(unsigned int id, unsigned long long from,
                   unsigned long long to, unsigned int flags, void *ctx)
{
    struct match_scratch *s = ctx;
    const struct match_db *db = s->db;
    const struct atom *a;
    uint64_t end = s->base + to, astart;

    (void)from;
    (void)flags;
    if (end <= s->accept_after || id >= db->n_atoms)
        return 0;
    a = &db->atoms[id];
    if (end < a->len)
        return 0;
    astart = end - a->len;
    s->stats.atom_hits++;
    if ((++s->ticks & 1023) == 0 && timed_out(s))
        return 1;
    for (uint32_t i = 0; i < a->n_links; i++) {
        const struct link *l = &db->links[a->first_link + i];
        const struct form *f = &db->forms[l->form];
        uint64_t start;

        if ((s->state[f->string_id] & ST_DONE) || astart < l->before_min)
            continue;
        start = astart - l->before_min;
        switch (f->kind) {
        case FORM_LITERAL:
            s->stats.verifications++;
            if (verify_literal(s, f, a, start))
                add_match(s, f->string_id, start, f->len, f->xor_key);
            break;
        case FORM_MASKED:
            s->stats.verifications++;
            if (verify_masked(s, f, start))
                add_match(s, f->string_id, start, f->len, 0);
            break;
        default:
            add_window(s, l, astart);
            break;
        }
        if (s->status != CANDOR_OK)
            return 1;
    }
    return 0;
}

/* The vectorscan pass, in pieces when the data is long. */
static void scan_atoms(struct match_scratch *s)
{
    uint64_t piece = s->piece_size ? s->piece_size : MAX_PIECE;
    uint64_t overlap = s->db->max_atom_len - 1, start = 0;

    if (piece > MAX_PIECE)
        piece = MAX_PIECE;
    if (piece <= overlap)
        piece = overlap + 1;
    s->accept_after = 0;
    while (s->status == CANDOR_OK && start < s->len) {
        uint64_t end = s->len - start > piece ? start + piece : s->len;
        hs_error_t err;

        s->base = start;
        err = hs_scan(s->db->hs, (const char *)s->data + start,
                      (unsigned int)(end - start), 0, s->hs, on_atom, s);
        if (err != HS_SUCCESS && err != HS_SCAN_TERMINATED &&
            s->status == CANDOR_OK)
            s->status = CANDOR_ERROR_INTERNAL;
        if (end == s->len || timed_out(s))
            break;
        s->accept_after = end;
        start = end - overlap;
    }
}

/* Stable bottom-up merge sort by offset, then one match per offset. */
static void sort_list(struct match_scratch *s, struct match_list *l)
{
    struct match *a = l->m, *b;
    uint32_t n = l->n, k = 0;

    if (s->cap_tmp < n) {
        b = mem_realloc_array(s->tmp, n, sizeof(*b));
        if (b == NULL) {
            s->status = CANDOR_ERROR_NOMEM;
            return;
        }
        s->tmp = b;
        s->cap_tmp = n;
    }
    b = s->tmp;
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = mid + width < n ? mid + width : n;
            uint32_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                b[o++] = a[j].offset < a[i].offset ? a[j++] : a[i++];
            while (i < mid)
                b[o++] = a[i++];
            while (j < hi)
                b[o++] = a[j++];
        }
        struct match *t = a;
        a = b;
        b = t;
    }
    if (a != l->m)
        memcpy(l->m, a, (size_t)n * sizeof(*a));
    for (uint32_t i = 0; i < n; i++)
        if (k == 0 || l->m[k - 1].offset != l->m[i].offset)
            l->m[k++] = l->m[i];
    l->n = k;
}

/* Makes room for n entries in the chain buffers. */
static bool chain_room(struct match_scratch *s, size_t n)
{
    if (n <= s->cap_chain)
        return true;
    for (int i = 0; i < 2; i++) {
        uint64_t *e = mem_realloc_array(s->chain_end[i], n, sizeof(*e));
        if (e == NULL)
            return false;
        s->chain_end[i] = e;
    }
    s->chain_next = mem_realloc_array(s->chain_next, n, sizeof(uint32_t));
    if (s->chain_next == NULL) {
        s->cap_chain = 0;
        return false;
    }
    s->cap_chain = n;
    return true;
}

/* Index of the first match of l starting at or after off. */
static uint32_t first_from(const struct match_list *l, uint64_t off)
{
    uint32_t lo = 0, hi = l->n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->m[mid].offset < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

#define NO_END UINT64_MAX

/*
 * The matches of a chained string from its pieces' (sorted) lists, last
 * piece first: end[j] is where the chain that starts with match j of the
 * current piece ends (NO_END: none), taking for each piece the nearest
 * match of the next piece in reach whose own chain completes.
 */
static void link_chain(struct match_scratch *s, const struct chain *c)
{
    const struct match_list *last = &s->lists[c->first_piece + c->n_pieces - 1];
    uint64_t *end, *next_end;
    bool overflow = false;

    for (uint32_t p = 0; p < c->n_pieces; p++) {
        const struct match_list *l = &s->lists[c->first_piece + p];
        overflow |= l->overflow;
        if (l->n == 0)
            return;
        if (!chain_room(s, (size_t)l->n + 1)) {
            s->status = CANDOR_ERROR_NOMEM;
            return;
        }
    }
    end = s->chain_end[0];
    next_end = s->chain_end[1];
    for (uint32_t j = 0; j < last->n; j++)
        end[j] = last->m[j].offset + last->m[j].len;
    for (uint32_t p = c->n_pieces - 1; p-- > 0;) {
        const struct match_list *l = &s->lists[c->first_piece + p];
        const struct match_list *nl = &s->lists[c->first_piece + p + 1];
        const struct gap *g = &s->db->gaps[c->first_gap + p];
        uint64_t *t = end;

        /* chain_next[k]: the first match at or after k that completes. */
        s->chain_next[nl->n] = nl->n;
        for (uint32_t k = nl->n; k-- > 0;)
            s->chain_next[k] = end[k] != NO_END ? k : s->chain_next[k + 1];
        for (uint32_t j = 0; j < l->n; j++) {
            uint64_t e = l->m[j].offset + l->m[j].len;
            uint32_t k = s->chain_next[first_from(nl, e + g->min)];
            next_end[j] = NO_END;
            if (k < nl->n && (g->max == MATCH_GAP_UNBOUNDED ||
                              nl->m[k].offset <= e + g->max))
                next_end[j] = end[k];
        }
        end = next_end;
        next_end = t;
    }
    for (uint32_t j = 0; j < s->lists[c->first_piece].n; j++) {
        const struct match *m = &s->lists[c->first_piece].m[j];
        if (end[j] != NO_END)
            add_match(s, c->string_id, m->offset, end[j] - m->offset, 0);
    }
    if (overflow) {
        touch(s, c->string_id);
        s->lists[c->string_id].overflow = true;
        s->any_overflow = true;
    }
}

static void sort_id(struct match_scratch *s, uint32_t id)
{
    if (s->state[id] & ST_UNSORTED) {
        sort_list(s, &s->lists[id]);
        s->state[id] &= (uint8_t)~ST_UNSORTED;
    }
}

/*
 * Makes id's list final: its regex forms' windows (indexed by
 * index_windows), then its forms without atoms, then its chain, in the
 * order the eager scan takes them, so that at an equal offset the same
 * form wins.
 */
static void resolve(struct match_scratch *s, uint32_t id)
{
    const uint32_t *f = s->id_forms + s->id_first[id];
    uint32_t n = s->id_first[id + 1] - s->id_first[id];
    uint32_t c = s->id_chain[id];

    touch(s, id); /* so that reset clears ST_FINAL */
    s->state[id] |= ST_FINAL;
    for (uint32_t k = 0; k < n && s->status == CANDOR_OK; k++) {
        uint32_t w = s->form_last[f[k]];
        if (w != 0 && !s->scan_all[f[k]]) {
            s->form_last[f[k]] = 0;
            run_form_windows(s, w - 1);
        }
    }
    for (uint32_t k = 0; k < n && s->status == CANDOR_OK; k++)
        if (s->scan_all[f[k]] && s->len > 0)
            search_range(s, f[k], 0, s->len - 1);
    if (c != NO_CHAIN && s->status == CANDOR_OK) {
        const struct chain *ch = &s->db->chains[c];
        for (uint32_t p = 0; p < ch->n_pieces; p++)
            if (!(s->state[ch->first_piece + p] & ST_FINAL))
                resolve(s, ch->first_piece + p);
        if (s->status == CANDOR_OK)
            link_chain(s, ch);
    }
    if (s->status == CANDOR_OK)
        sort_id(s, id);
}

/* After the vectorscan pass of a lazy scan: form_last[f] becomes 1 + the
 * index of form f's first pending window. */
static void index_windows(struct match_scratch *s)
{
    sort_windows(s);
    for (size_t i = s->n_win; i-- > 0;)
        s->form_last[s->win[i].form] = (uint32_t)i + 1;
}

/* The eager scan: every list made final at once. */
static void resolve_all(struct match_scratch *s)
{
    const struct match_db *db = s->db;

    run_windows(s);
    for (uint32_t i = 0; i < db->n_scan_all && s->status == CANDOR_OK; i++)
        if (s->len > 0)
            search_range(s, db->scan_all[i], 0, s->len - 1);
    for (uint32_t i = 0; i < s->n_touched && s->status == CANDOR_OK; i++)
        sort_id(s, s->touched[i]);
    for (uint32_t i = 0; i < db->n_chains && s->status == CANDOR_OK; i++) {
        link_chain(s, &db->chains[i]);
        /* a string with forms of its own besides a chain */
        sort_id(s, db->chains[i].string_id);
    }
    s->all_final = true;
}

static void reset(struct match_scratch *s)
{
    for (uint32_t i = 0; i < s->n_touched; i++) {
        struct match_list *l = &s->lists[s->touched[i]];
        if (l->cap > KEEP_LIST_CAP) {
            mem_free(l->m);
            l->m = NULL;
            l->cap = 0;
        }
        l->n = 0;
        l->overflow = false;
        s->state[s->touched[i]] &= ST_PERSIST;
    }
    s->n_touched = 0;
    for (size_t i = 0; i < s->n_win; i++)
        s->form_last[s->win[i].form] = 0;
    s->n_win = 0;
    memset(&s->stats, 0, sizeof(s->stats));
    s->status = CANDOR_OK;
    s->ticks = 0;
    s->all_final = false;
    s->any_overflow = false;
    s->data = NULL;
    s->len = 0;
}

enum candor_status match_scan(const struct match_db *db,
                              struct match_scratch *s, const uint8_t *data,
                              size_t len, const struct match_scan_opts *opts)
{
    if (s->db != db)
        return CANDOR_ERROR_ARGUMENT;
    reset(s);
    s->data = data;
    s->len = len;
    s->opts = *opts;
    s->max_per_string = opts->max_per_string ? opts->max_per_string
                                             : UINT32_MAX - 1;
    if (len > 0 && db->hs != NULL)
        scan_atoms(s);
    if (s->status != CANDOR_OK)
        return s->status;
    if (opts->lazy)
        index_windows(s);
    else
        resolve_all(s);
    return s->status;
}

void match_scan_end(struct match_scratch *s)
{
    s->data = NULL;
}

const struct match_list *match_scratch_list(struct match_scratch *s,
                                            uint32_t string_id)
{
    if (string_id >= s->db->n_strings)
        return &empty_list;
    if (!s->all_final && !(s->state[string_id] & ST_FINAL) &&
        s->data != NULL && s->status == CANDOR_OK)
        resolve(s, string_id);
    return &s->lists[string_id];
}

bool match_scratch_pending(const struct match_scratch *s, uint32_t string_id)
{
    if (string_id >= s->db->n_strings || s->all_final ||
        (s->state[string_id] & (ST_FINAL | ST_DONE)))
        return false;
    return s->id_first[string_id + 1] > s->id_first[string_id] ||
           s->id_chain[string_id] != NO_CHAIN;
}

/* Whether a pending window of regex form fi (sorted by index_windows)
 * holds start off. */
static bool window_covers(const struct match_scratch *s, uint32_t fi,
                          uint64_t off)
{
    for (size_t i = s->form_last[fi]; i > 0 && i <= s->n_win &&
                                      s->win[i - 1].form == fi &&
                                      s->win[i - 1].lo <= off;
         i++)
        if (off <= s->win[i - 1].hi)
            return true;
    return false;
}

/* Whether regex form fi has a match starting at off that search_range
 * would record (it records nothing). */
static bool form_matches_at(struct match_scratch *s, uint32_t fi,
                            uint64_t off)
{
    uint64_t ms, me;

    return first_match(s, &s->db->forms[fi], match_form_code(s->db, fi), off,
                       off, &ms, &me) > 0;
}

int match_scratch_at(struct match_scratch *s, uint32_t id, uint64_t off)
{
    const struct match_list *l;
    const uint32_t *f;
    uint32_t n;

    if (id >= s->db->n_strings || s->all_final || s->data == NULL ||
        s->status != CANDOR_OK ||
        (s->state[id] & (ST_FINAL | ST_DONE | ST_FIXED)) ||
        s->id_chain[id] != NO_CHAIN ||
        (s->opts.fast && !(s->state[id] & ST_KEEP_ALL)))
        return -1;
    /* A string asked at many offsets (`for any i in (..) : ($a at i)`)
     * is cheaper verified once and searched. */
    if ((s->state[id] & ST_PROBES) == ST_PROBES)
        return -1;
    touch(s, id); /* so that reset clears the count */
    s->state[id] += ST_PROBE;
    n = s->id_first[id + 1] - s->id_first[id];
    l = &s->lists[id];
    /* The whole list could reach max_per_string and drop matches: only
     * when it cannot is an answer from one offset the list's answer. */
    if ((uint64_t)l->n + ((uint64_t)n + 1) * s->len >= s->max_per_string)
        return -1;
    for (uint32_t i = 0; i < l->n; i++)
        if (l->m[i].offset == off)
            return 1;
    if (off >= s->len)
        return 0;
    f = s->id_forms + s->id_first[id];
    for (uint32_t k = 0; k < n; k++) {
        if (!s->scan_all[f[k]] && !window_covers(s, f[k], off))
            continue;
        if (form_matches_at(s, f[k], off))
            return 1;
        if (s->status != CANDOR_OK)
            return -1;
    }
    return 0;
}

bool match_scratch_maybe(const struct match_scratch *s, uint32_t string_id)
{
    const uint32_t *f;

    if (string_id >= s->db->n_strings)
        return false;
    if (s->lists[string_id].n > 0)
        return true;
    if (s->all_final || (s->state[string_id] & ST_FINAL))
        return false;
    if (s->id_chain[string_id] != NO_CHAIN)
        return true;
    f = s->id_forms + s->id_first[string_id];
    for (uint32_t k = s->id_first[string_id + 1] - s->id_first[string_id];
         k-- > 0;)
        if (s->scan_all[f[k]] || s->form_last[f[k]] != 0)
            return true;
    return false;
}

bool match_scratch_any_overflow(const struct match_scratch *s)
{
    return s->any_overflow;
}

bool match_scratch_overflow(const struct match_scratch *s, uint32_t string_id)
{
    return string_id < s->db->n_strings && s->lists[string_id].overflow;
}

enum candor_status match_scratch_status(const struct match_scratch *s)
{
    return s->status;
}

void match_scratch_pcre(struct match_scratch *s, pcre2_match_data **md,
                        pcre2_match_context **mc, struct match_stats **st)
{
    *md = s->md;
    *mc = s->mc;
    *st = &s->stats;
}
