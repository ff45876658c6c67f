/*
 * build.c - collecting patterns and building the immutable database.
 *
 * The builder checks every pattern it is given, copies its bytes into the
 * blob, interns its atom (equal atoms of different strings share one
 * vectorscan pattern and list all their users) and compiles regexes at
 * once, so that a regex PCRE2 rejects is reported against its rule string.
 * match_builder_build hands the tables to a match_db and compiles the
 * vectorscan database. Atoms go to hs_compile_multi as \xHH escapes: the
 * pure-literal API measured no faster here (docs/matching.md) and
 * vectorscan 5.4.9's refuses literals that begin with a NUL byte.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/map.h"
#include "base/mem.h"
#include "base/vec.h"
#include "match/match_int.h"

struct pending_link {
    uint32_t atom;
    struct link link;
};

struct match_builder {
    uint32_t n_strings;
    uint32_t n_ids;        /* n_strings and the chain pieces */
    struct vec chains;     /* struct chain */
    struct vec gaps;       /* struct gap */
    struct vec forms;      /* struct form */
    struct vec codes;      /* pcre2_code *, one per form */
    struct vec atoms;      /* struct atom */
    struct vec links;      /* struct pending_link */
    struct buf blob;
    struct map atom_ids;   /* key: nocase byte, then the atom's bytes */
    struct arena keys;
};

#define BLOB_MAX ((size_t)UINT32_MAX - 1)

enum candor_status match_builder_new(uint32_t n_strings,
                                     struct match_builder **out)
{
    struct match_builder *b;

    if (n_strings > MATCH_MAX_STRINGS)
        return CANDOR_ERROR_LIMIT;
    b = mem_calloc(1, sizeof(*b));
    if (b == NULL)
        return CANDOR_ERROR_NOMEM;
    b->n_strings = n_strings;
    b->n_ids = n_strings;
    vec_init(&b->chains, sizeof(struct chain));
    vec_init(&b->gaps, sizeof(struct gap));
    vec_init(&b->forms, sizeof(struct form));
    vec_init(&b->codes, sizeof(pcre2_code *));
    vec_init(&b->atoms, sizeof(struct atom));
    vec_init(&b->links, sizeof(struct pending_link));
    buf_init(&b->blob, BLOB_MAX);
    map_init(&b->atom_ids);
    arena_init(&b->keys, 64 * 1024);
    *out = b;
    return CANDOR_OK;
}

void match_builder_free(struct match_builder *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->codes.n; i++)
        pcre2_code_free(*(pcre2_code **)vec_at(&b->codes, i));
    vec_fini(&b->chains);
    vec_fini(&b->gaps);
    vec_fini(&b->forms);
    vec_fini(&b->codes);
    vec_fini(&b->atoms);
    vec_fini(&b->links);
    buf_fini(&b->blob);
    map_fini(&b->atom_ids);
    arena_fini(&b->keys);
    mem_free(b);
}

/* Appends bytes to the blob; *off is where they start. */
static enum candor_status blob_add(struct match_builder *b, const void *p,
                                   size_t len, uint32_t *off)
{
    *off = (uint32_t)b->blob.len;
    if (!buf_append(&b->blob, p, len))
        return b->blob.len + len > BLOB_MAX ? CANDOR_ERROR_LIMIT
                                            : CANDOR_ERROR_NOMEM;
    return CANDOR_OK;
}

static uint8_t fold(uint8_t c, bool nocase)
{
    return nocase && c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/*
 * How much of an atom goes to vectorscan. An atom of 6 bytes or more that
 * ends in three equal bytes (as "...00 00 00") makes vectorscan 5.4.9's
 * compiler take a second and 100 MB more on a thousand x86 atoms (its
 * flood handling; measured on the reversinglabs rules: 1.5 s against
 * 0.1 s). Such a tail is cut to two bytes: the atom starts where it did,
 * and the forms verify their whole text anyway.
 */
static uint32_t atom_len(const uint8_t *p, uint32_t len, bool nocase)
{
    while (len >= 6 && fold(p[len - 1], nocase) == fold(p[len - 2], nocase) &&
           fold(p[len - 2], nocase) == fold(p[len - 3], nocase))
        len--;
    return len;
}

/* The index of the atom (bytes, nocase), made when new. */
static enum candor_status intern_atom(struct match_builder *b,
                                      const uint8_t *bytes, uint32_t len,
                                      bool nocase, uint32_t *id)
{
    char *key;
    uint64_t v;
    struct atom *a;
    enum candor_status rc;

    if (len == 0 || len > MATCH_MAX_ATOM)
        return CANDOR_ERROR_ARGUMENT;
    len = atom_len(bytes, len, nocase);
    key = arena_alloc(&b->keys, (size_t)len + 1);
    if (key == NULL)
        return CANDOR_ERROR_NOMEM;
    key[0] = nocase ? 1 : 0;
    memcpy(key + 1, bytes, len);
    if (map_get(&b->atom_ids, key, (size_t)len + 1, &v)) {
        *id = (uint32_t)v;
        return CANDOR_OK;
    }
    if (b->atoms.n >= UINT32_MAX - 1)
        return CANDOR_ERROR_LIMIT;
    a = vec_push(&b->atoms);
    if (a == NULL)
        return CANDOR_ERROR_NOMEM;
    a->len = len;
    a->nocase = nocase;
    rc = blob_add(b, bytes, len, &a->off);
    if (rc != CANDOR_OK) {
        b->atoms.n--;
        return rc;
    }
    *id = (uint32_t)(b->atoms.n - 1);
    if (!map_put(&b->atom_ids, key, (size_t)len + 1, *id))
        return CANDOR_ERROR_NOMEM;
    return CANDOR_OK;
}

static enum candor_status add_link(struct match_builder *b, uint32_t atom,
                                   uint32_t form, uint32_t before_min,
                                   uint32_t before_max)
{
    struct pending_link *l = vec_push(&b->links);

    if (l == NULL)
        return CANDOR_ERROR_NOMEM;
    l->atom = atom;
    l->link.form = form;
    l->link.before_min = before_min;
    l->link.before_max = before_max;
    return CANDOR_OK;
}

/* Appends a form and its (NULL) code slot; *id is its index. */
static enum candor_status push_form(struct match_builder *b,
                                    const struct form *f, pcre2_code *code,
                                    uint32_t *id)
{
    struct form *slot;
    pcre2_code **cslot;

    if (b->forms.n >= UINT32_MAX - 1)
        return CANDOR_ERROR_LIMIT;
    slot = vec_push(&b->forms);
    if (slot == NULL)
        return CANDOR_ERROR_NOMEM;
    cslot = vec_push(&b->codes);
    if (cslot == NULL) {
        b->forms.n--;
        return CANDOR_ERROR_NOMEM;
    }
    *slot = *f;
    *cslot = code;
    *id = (uint32_t)(b->forms.n - 1);
    return CANDOR_OK;
}

static bool window_ok(uint32_t len, uint32_t off, uint32_t n)
{
    return n > 0 && n <= MATCH_MAX_ATOM && off <= len && n <= len - off;
}

enum candor_status match_builder_add_literal(struct match_builder *b,
                                             uint32_t string_id,
                                             const uint8_t *bytes,
                                             uint32_t len, unsigned flags,
                                             uint8_t xor_key,
                                             uint32_t atom_off,
                                             uint32_t atom_len)
{
    struct form f;
    uint32_t atom, form;
    enum candor_status rc;

    if (string_id >= b->n_ids || len == 0 ||
        !window_ok(len, atom_off, atom_len) ||
        (flags & ~(MATCH_NOCASE | MATCH_FULLWORD | MATCH_WIDE)) != 0)
        return CANDOR_ERROR_ARGUMENT;
    memset(&f, 0, sizeof(f));
    f.string_id = string_id;
    f.kind = FORM_LITERAL;
    f.flags = (uint8_t)flags;
    f.xor_key = xor_key;
    f.len = len;
    rc = blob_add(b, bytes, len, &f.off);
    if (rc == CANDOR_OK)
        rc = intern_atom(b, bytes + atom_off, atom_len,
                         (flags & MATCH_NOCASE) != 0, &atom);
    if (rc == CANDOR_OK)
        rc = push_form(b, &f, NULL, &form);
    if (rc == CANDOR_OK)
        rc = add_link(b, atom, form, atom_off, atom_off);
    return rc;
}

enum candor_status match_builder_add_masked(struct match_builder *b,
                                            uint32_t string_id,
                                            const uint8_t *bytes,
                                            const uint8_t *mask, uint32_t len,
                                            unsigned flags, uint32_t atom_off,
                                            uint32_t atom_len)
{
    struct form f;
    uint32_t atom, form, moff;
    enum candor_status rc;

    if (string_id >= b->n_ids || len == 0 || flags != 0 ||
        !window_ok(len, atom_off, atom_len))
        return CANDOR_ERROR_ARGUMENT;
    for (uint32_t i = atom_off; i < atom_off + atom_len; i++)
        if (mask[i] != 0xff)
            return CANDOR_ERROR_ARGUMENT;
    memset(&f, 0, sizeof(f));
    f.string_id = string_id;
    f.kind = FORM_MASKED;
    f.len = len;
    rc = blob_add(b, bytes, len, &f.off);
    if (rc == CANDOR_OK)
        rc = blob_add(b, mask, len, &moff);
    for (uint32_t i = 0; rc == CANDOR_OK && i < len; i++)
        b->blob.data[f.off + i] &= mask[i];
    if (rc == CANDOR_OK)
        rc = intern_atom(b, bytes + atom_off, atom_len, false, &atom);
    if (rc == CANDOR_OK)
        rc = push_form(b, &f, NULL, &form);
    if (rc == CANDOR_OK)
        rc = add_link(b, atom, form, atom_off, atom_off);
    return rc;
}

static enum candor_status add_regex_atoms(struct match_builder *b,
                                          uint32_t form, unsigned flags,
                                          const struct match_atom *atoms,
                                          uint32_t n_atoms, uint32_t *max_len)
{
    uint32_t most_before = 0;

    for (uint32_t i = 0; i < n_atoms; i++) {
        const struct match_atom *a = &atoms[i];
        uint32_t atom, bmax = a->before_max;
        enum candor_status rc;

        if (a->before_min > a->before_max)
            return CANDOR_ERROR_ARGUMENT;
        if (flags & MATCH_HEX) {
            if (bmax > MATCH_MAX_BEFORE)
                return CANDOR_ERROR_ARGUMENT;
        } else if (bmax > MATCH_SCAN_LIMIT) {
            bmax = MATCH_SCAN_LIMIT;
        }
        if (a->before_min > bmax)
            continue; /* yara could not reach back that far either */
        rc = intern_atom(b, a->bytes, a->len, a->nocase, &atom);
        if (rc == CANDOR_OK)
            rc = add_link(b, atom, form, a->before_min, bmax);
        if (rc != CANDOR_OK)
            return rc;
        if (bmax > most_before)
            most_before = bmax;
    }
    *max_len = (flags & MATCH_HEX) ? UINT32_MAX
                                   : MATCH_SCAN_LIMIT + most_before;
    return CANDOR_OK;
}

enum candor_status match_builder_add_regex(struct match_builder *b,
                                           uint32_t string_id,
                                           const char *pattern, size_t len,
                                           unsigned flags,
                                           const struct match_atom *atoms,
                                           uint32_t n_atoms, char *err,
                                           size_t err_len)
{
    struct form f;
    pcre2_code *code = NULL;
    uint32_t form, minlen = 0;
    size_t n_links = b->links.n;
    enum candor_status rc;

    if (string_id >= b->n_ids || len > UINT32_MAX ||
        (flags & ~(MATCH_NOCASE | MATCH_HEX | MATCH_FULLWORD | MATCH_WIDE)) !=
            0)
        return CANDOR_ERROR_ARGUMENT;
    rc = match_pcre_compile(pattern, len, flags, &code, err, err_len);
    if (rc != CANDOR_OK)
        return rc;
    memset(&f, 0, sizeof(f));
    f.string_id = string_id;
    f.kind = FORM_REGEX;
    f.flags = (uint8_t)flags;
    f.len = (uint32_t)len;
    if (pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen) == 0)
        f.can_be_empty = minlen == 0;
    rc = blob_add(b, pattern, len, &f.off);
    if (rc == CANDOR_OK)
        rc = push_form(b, &f, code, &form);
    if (rc != CANDOR_OK) {
        pcre2_code_free(code);
        return rc;
    }
    rc = add_regex_atoms(b, form, flags, atoms, n_atoms,
                         &((struct form *)vec_at(&b->forms, form))->max_len);
    if (rc != CANDOR_OK) {
        /* Take the form back so that the builder stays consistent. */
        b->links.n = n_links;
        pcre2_code_free(code);
        b->forms.n--;
        b->codes.n--;
    }
    return rc;
}

enum candor_status match_builder_add_chain(struct match_builder *b,
                                           uint32_t string_id,
                                           uint32_t n_pieces,
                                           const uint32_t *gap_min,
                                           const uint32_t *gap_max,
                                           uint32_t *first_piece)
{
    struct chain *c;

    if (string_id >= b->n_strings || n_pieces < 2 ||
        n_pieces > MATCH_MAX_PIECES || b->n_ids > UINT32_MAX - n_pieces)
        return CANDOR_ERROR_ARGUMENT;
    for (uint32_t i = 0; i + 1 < n_pieces; i++)
        if (gap_min[i] > gap_max[i])
            return CANDOR_ERROR_ARGUMENT;
    if (vec_reserve(&b->gaps, b->gaps.n + n_pieces) != 0 ||
        (c = vec_push(&b->chains)) == NULL)
        return CANDOR_ERROR_NOMEM;
    c->string_id = string_id;
    c->first_piece = b->n_ids;
    c->n_pieces = n_pieces;
    c->first_gap = (uint32_t)b->gaps.n;
    for (uint32_t i = 0; i + 1 < n_pieces; i++) {
        struct gap *g = vec_push(&b->gaps);
        g->min = gap_min[i];
        g->max = gap_max[i];
    }
    b->n_ids += n_pieces;
    *first_piece = c->first_piece;
    return CANDOR_OK;
}

/* Orders the links by atom (a counting sort) into db. */
static enum candor_status place_links(struct match_builder *b,
                                      struct match_db *db)
{
    uint32_t *next;

    db->links = mem_calloc(b->links.n ? b->links.n : 1, sizeof(struct link));
    next = mem_calloc(db->n_atoms + 1, sizeof(uint32_t));
    if (db->links == NULL || next == NULL) {
        mem_free(next);
        return CANDOR_ERROR_NOMEM;
    }
    db->n_links = (uint32_t)b->links.n;
    for (size_t i = 0; i < b->links.n; i++)
        db->atoms[((struct pending_link *)vec_at(&b->links, i))->atom]
            .n_links++;
    for (uint32_t i = 0, at = 0; i < db->n_atoms; i++) {
        db->atoms[i].first_link = at;
        next[i] = at;
        at += db->atoms[i].n_links;
    }
    for (size_t i = 0; i < b->links.n; i++) {
        struct pending_link *l = vec_at(&b->links, i);
        db->links[next[l->atom]++] = l->link;
    }
    mem_free(next);
    return CANDOR_OK;
}

enum candor_status match_builder_build(struct match_builder *b,
                                       struct match_db **out)
{
    struct match_db *db;
    enum candor_status rc = CANDOR_ERROR_NOMEM;
    size_t n;

    if (b->blob.failed) {
        match_builder_free(b);
        return CANDOR_ERROR_NOMEM;
    }
    db = mem_calloc(1, sizeof(*db));
    if (db == NULL)
        goto out;
    db->n_strings = b->n_strings;
    db->n_ids = b->n_ids;
    db->n_chains = (uint32_t)b->chains.n;
    db->chains = vec_take(&b->chains, &n);
    db->n_gaps = (uint32_t)b->gaps.n;
    db->gaps = vec_take(&b->gaps, &n);
    db->n_forms = (uint32_t)b->forms.n;
    db->forms = vec_take(&b->forms, &n);
    db->codes = vec_take(&b->codes, &n);
    db->n_atoms = (uint32_t)b->atoms.n;
    db->atoms = vec_take(&b->atoms, &n);
    db->blob_len = (uint32_t)b->blob.len;
    db->blob = buf_take(&b->blob, &n);
    if ((db->forms == NULL && db->n_forms > 0) ||
        (db->atoms == NULL && db->n_atoms > 0) ||
        (db->blob == NULL && db->blob_len > 0))
        goto out;
    rc = place_links(b, db);
    if (rc == CANDOR_OK)
        rc = match_db_finish(db);
    if (rc == CANDOR_OK)
        rc = match_db_compile_hs(db);
out:
    match_builder_free(b);
    if (rc != CANDOR_OK) {
        match_db_free(db);
        return rc;
    }
    *out = db;
    return CANDOR_OK;
}

void match_db_free(struct match_db *db)
{
    if (db == NULL)
        return;
    for (uint32_t i = 0; db->codes != NULL && i < db->n_forms; i++)
        pcre2_code_free(db->codes[i]);
    mem_free(db->codes);
    mem_free((void *)db->jitted);
    if (db->jit_lock != NULL) {
        pthread_mutex_destroy(db->jit_lock);
        mem_free(db->jit_lock);
    }
    mem_free(db->forms);
    mem_free(db->atoms);
    mem_free(db->links);
    mem_free(db->blob);
    mem_free(db->scan_all);
    mem_free(db->chains);
    mem_free(db->gaps);
    if (db->hs != NULL)
        hs_free_database(db->hs);
    mem_free(db);
}

uint32_t match_db_string_count(const struct match_db *db)
{
    return db->n_strings;
}

enum candor_status match_pcre_compile(const char *pattern, size_t len,
                                      unsigned flags, pcre2_code **out,
                                      char *err, size_t err_len)
{
    uint32_t opts = PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_UTF |
                    PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C |
                    PCRE2_USE_OFFSET_LIMIT |
                    ((flags & MATCH_NOCASE) ? PCRE2_CASELESS : 0);
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    pcre2_code *code;
    int ecode;
    PCRE2_SIZE eoff;

    if (cc == NULL)
        return CANDOR_ERROR_NOMEM;
    /* yara nests groups 1,000 deep; our translation adds a level or two. */
    pcre2_set_parens_nest_limit(cc, 4 * 1000 + 16);
    code = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &ecode, &eoff, cc);
    pcre2_compile_context_free(cc);
    if (code == NULL) {
        PCRE2_UCHAR msg[256];
        if (ecode == PCRE2_ERROR_NOMEMORY)
            return CANDOR_ERROR_NOMEM;
        if (pcre2_get_error_message(ecode, msg, sizeof(msg)) < 0)
            snprintf((char *)msg, sizeof(msg), "PCRE2 error %d", ecode);
        if (err_len > 0)
            snprintf(err, err_len, "%s", (const char *)msg);
        return CANDOR_ERROR_SYNTAX;
    }
    *out = code;
    return CANDOR_OK;
}

const pcre2_code *match_form_code(const struct match_db *db, uint32_t fi)
{
    if (!atomic_load_explicit(&db->jitted[fi], memory_order_acquire)) {
        pthread_mutex_lock(db->jit_lock);
        if (!atomic_load_explicit(&db->jitted[fi], memory_order_relaxed)) {
            /* Without JIT (too large, no JIT here, out of memory) the
             * interpreter gives the same results more slowly. */
            (void)pcre2_jit_compile(db->codes[fi], PCRE2_JIT_COMPLETE);
            atomic_store_explicit(&db->jitted[fi], 1, memory_order_release);
        }
        pthread_mutex_unlock(db->jit_lock);
    }
    return db->codes[fi];
}

enum candor_status match_db_finish(struct match_db *db)
{
    uint32_t n = 0;

    db->jitted = mem_calloc(db->n_forms ? db->n_forms : 1,
                            sizeof(*db->jitted));
    db->jit_lock = mem_alloc(sizeof(*db->jit_lock));
    if (db->jitted == NULL || db->jit_lock == NULL) {
        mem_free(db->jit_lock);
        db->jit_lock = NULL;
        return CANDOR_ERROR_NOMEM;
    }
    if (pthread_mutex_init(db->jit_lock, NULL) != 0) {
        mem_free(db->jit_lock);
        db->jit_lock = NULL;
        return CANDOR_ERROR_NOMEM;
    }
    db->max_atom_len = 1;
    for (uint32_t i = 0; i < db->n_atoms; i++)
        if (db->atoms[i].len > db->max_atom_len)
            db->max_atom_len = db->atoms[i].len;
    db->scan_all = mem_calloc(db->n_forms ? db->n_forms : 1,
                              sizeof(uint32_t));
    if (db->scan_all == NULL)
        return CANDOR_ERROR_NOMEM;
    /* A regex form no link points at is searched everywhere. */
    {
        uint8_t *linked = mem_calloc(db->n_forms ? db->n_forms : 1, 1);
        if (linked == NULL)
            return CANDOR_ERROR_NOMEM;
        for (uint32_t i = 0; i < db->n_links; i++)
            linked[db->links[i].form] = 1;
        for (uint32_t i = 0; i < db->n_forms; i++)
            if (db->forms[i].kind == FORM_REGEX && !linked[i])
                db->scan_all[n++] = i;
        mem_free(linked);
    }
    db->n_scan_all = n;
    return CANDOR_OK;
}

enum candor_status match_db_compile_hs(struct match_db *db)
{
    char **exprs;
    unsigned *flags, *ids;
    hs_compile_error_t *err = NULL;
    enum candor_status rc = CANDOR_ERROR_NOMEM;
    uint32_t n = db->n_atoms;

    db->hs = NULL;
    if (n == 0)
        return CANDOR_OK;
    exprs = mem_calloc(n, sizeof(*exprs));
    flags = mem_calloc(n, sizeof(*flags));
    ids = mem_calloc(n, sizeof(*ids));
    if (exprs == NULL || flags == NULL || ids == NULL)
        goto out;
    for (uint32_t i = 0; i < n; i++) {
        const struct atom *a = &db->atoms[i];
        char *p = mem_alloc((size_t)a->len * 4 + 1);
        if (p == NULL)
            goto out;
        exprs[i] = p;
        for (uint32_t j = 0; j < a->len; j++)
            p += snprintf(p, 5, "\\x%02x", db->blob[a->off + j]);
        flags[i] = a->nocase ? HS_FLAG_CASELESS : 0;
        ids[i] = i;
    }
    if (hs_compile_multi((const char *const *)exprs, flags, ids, n,
                         HS_MODE_BLOCK, NULL, &db->hs, &err) != HS_SUCCESS) {
        db->hs = NULL;
        rc = CANDOR_ERROR_INTERNAL;
        hs_free_compile_error(err);
        goto out;
    }
    rc = CANDOR_OK;
out:
    for (uint32_t i = 0; exprs != NULL && i < n; i++)
        mem_free(exprs[i]);
    mem_free(exprs);
    mem_free(flags);
    mem_free(ids);
    return rc;
}

void match_db_info(const struct match_db *db, struct match_db_info *out)
{
    size_t size = 0;

    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i < db->n_forms; i++) {
        uint8_t k = db->forms[i].kind;
        out->n_literal += k == FORM_LITERAL;
        out->n_masked += k == FORM_MASKED;
        out->n_regex += k == FORM_REGEX;
    }
    out->n_scan_all = db->n_scan_all;
    out->n_atoms = db->n_atoms;
    out->n_chains = db->n_chains;
    if (db->hs != NULL && hs_database_size(db->hs, &size) == HS_SUCCESS)
        out->hs_bytes = size;
}
