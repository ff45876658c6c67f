/*
 * strings.c - from a rule string to the patterns of the match builder.
 *
 * A text string becomes one literal per form: its ascii and/or wide
 * bytes, each xor key of its range, or the three base64 encodings (with
 * the characters that depend on neighbouring bytes cut off, as yara does).
 * A hex string whose length is fixed (bytes, ??, nibbles, fixed jumps)
 * becomes a masked pattern found through its best fixed run; any other hex
 * string and every regex become PCRE2 text (built here from the re_node
 * tree) found through the atoms of atoms.c, or searched everywhere when no
 * atom is good enough. The "may slow down scanning" verdict follows yara's
 * atom quality (atoms.h).
 */
#include "compile/strings.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/mem.h"
#include "compile/atoms.h"
#include "rules/re.h"

/* Longest atoms, as measured on the bench sets: vectorscan compiles 8-byte
 * literal atoms a third faster than 16-byte ones and scans as fast or
 * faster; masked hex strings scan fastest with 6 (more atoms shared, a
 * smaller database), regexes want 8 (ATOMS_MAX_RUN: fewer PCRE2 runs). */
#define LITERAL_ATOM 8u
#define MASKED_ATOM 6u
#define PCRE_TEXT_MAX (16u << 20)
#define MASKED_MAX 4096u         /* longest fixed hex string kept masked */
#define PCRE_REPEAT_MAX 65535u

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static enum candor_status fail(enum candor_status rc, char *err,
                               size_t err_len, const char *msg)
{
    if (err_len > 0)
        snprintf(err, err_len, "%s", msg);
    return rc;
}

/* ---- Literals ---------------------------------------------------------- */

static uint8_t *widen(const uint8_t *p, size_t len)
{
    uint8_t *w = mem_calloc(len ? 2 * len : 1, 1);

    for (size_t i = 0; w != NULL && i < len; i++)
        w[2 * i] = p[i];
    return w;
}

/* Where a literal's atom goes: all of it, or its best LITERAL_ATOM bytes. */
static void literal_atom(const uint8_t *p, uint32_t len, uint32_t *off,
                         uint32_t *n)
{
    size_t at = 0;

    *off = 0;
    *n = len;
    if (len <= LITERAL_ATOM)
        return;
    atoms_best_quality(p, NULL, len, &at);
    *off = (uint32_t)at;
    if (*off > len - LITERAL_ATOM)
        *off = len - LITERAL_ATOM;
    *n = LITERAL_ATOM;
}

static enum candor_status add_literal(struct match_builder *b, uint32_t sid,
                                      const uint8_t *p, size_t len,
                                      unsigned flags, uint8_t key)
{
    uint32_t off, n;

    if (len > UINT32_MAX / 2)
        return CANDOR_ERROR_LIMIT;
    literal_atom(p, (uint32_t)len, &off, &n);
    return match_builder_add_literal(b, sid, p, (uint32_t)len, flags, key,
                                     off, n);
}

/*
 * yara's quality of a text string: the best window of the plain text, for
 * wide strings also its widened first two characters, and for xor strings
 * that atom under every key of the range (atoms.h).
 */
static int text_quality(const struct ast_string *s, bool ascii, bool wide)
{
    size_t at = 0, n;
    int q = atoms_best_quality(s->text, NULL, s->text_len, &at), qk;
    unsigned kmin = 0, kmax = 0;
    uint8_t win[4];
    bool xor = (s->mods & MOD_XOR) != 0;

    n = s->text_len - at < 4 ? s->text_len - at : 4;
    if (xor) {
        kmin = s->xor_min;
        kmax = s->xor_max;
    }
    for (unsigned k = kmin; k <= kmax; k++) {
        if (ascii && xor) {
            for (size_t i = 0; i < n; i++)
                win[i] = s->text[at + i] ^ (uint8_t)k;
            qk = atoms_window_quality(win, NULL, n);
            q = qk < q ? qk : q;
        }
        if (wide) {
            qk = atoms_wide_quality(s->text, NULL, s->text_len,
                                    xor ? (int)k : -1);
            q = qk < q ? qk : q;
        }
    }
    return q;
}

static enum candor_status add_plain(struct match_builder *b, uint32_t sid,
                                    const struct ast_string *s, bool ascii,
                                    bool wide)
{
    unsigned base = (s->mods & MOD_NOCASE) ? MATCH_NOCASE : 0;
    unsigned kmin = 0, kmax = 0;
    enum candor_status rc = CANDOR_OK;
    uint8_t *w = wide ? widen(s->text, s->text_len) : NULL;
    uint8_t *x = mem_alloc(s->text_len * 2 + 1);

    if ((wide && w == NULL) || x == NULL) {
        mem_free(w);
        mem_free(x);
        return CANDOR_ERROR_NOMEM;
    }
    if (s->mods & MOD_FULLWORD)
        base |= MATCH_FULLWORD;
    if (s->mods & MOD_XOR) {
        kmin = s->xor_min;
        kmax = s->xor_max;
    }
    for (int e = 0; e < 2 && rc == CANDOR_OK; e++) {
        const uint8_t *p = e == 0 ? s->text : w;
        size_t len = e == 0 ? s->text_len : 2 * s->text_len;
        if ((e == 0 && !ascii) || (e == 1 && !wide))
            continue;
        for (unsigned k = kmin; k <= kmax && rc == CANDOR_OK; k++) {
            for (size_t i = 0; i < len; i++)
                x[i] = p[i] ^ (uint8_t)k;
            rc = add_literal(b, sid, x, len,
                             base | (e == 1 ? MATCH_WIDE : 0), (uint8_t)k);
        }
    }
    mem_free(w);
    mem_free(x);
    return rc;
}

/*
 * The stable part of the base64 encoding of `shift` unknown bytes then p:
 * the characters that depend on the unknown bytes or on what follows are
 * cut off. *n may be 0.
 */
static void base64_form(const uint8_t *p, size_t len, unsigned shift,
                        const char *alphabet, uint8_t *out, size_t *n)
{
    static const unsigned skip[3] = {0, 2, 3};
    size_t bits = 8 * (shift + len), full = bits / 6, k = 0;

    for (size_t c = skip[shift]; c < full; c++) {
        size_t bit = 6 * c, v = 0;
        for (size_t j = 0; j < 6; j++, bit++) {
            size_t byte = bit / 8;
            uint8_t B = byte < shift ? 0 : p[byte - shift];
            v = v << 1 | ((B >> (7 - bit % 8)) & 1u);
        }
        out[k++] = (uint8_t)alphabet[v];
    }
    *n = k;
}

/*
 * yara's quality of a base64 string: the worst of its encodings (an empty
 * one counts as no atom). ATOMS_NONE + 1 when out of memory.
 */
static int base64_quality(const struct ast_string *s, bool ascii, bool wide)
{
    const char *alphabet = s->base64_alphabet ? s->base64_alphabet : b64_std;
    size_t cap = (2 * s->text_len + 3) * 4 / 3 + 8;
    uint8_t *enc = mem_alloc(cap), *plain = NULL;
    int q = ATOMS_NONE + 1;
    bool first = true;

    for (int e = 0; e < 2 && enc != NULL; e++) {
        size_t len = e == 0 ? s->text_len : 2 * s->text_len;
        if ((e == 0 && !ascii) || (e == 1 && !wide))
            continue;
        plain = e == 0 ? mem_memdup(s->text, len) : widen(s->text, s->text_len);
        for (unsigned shift = 0; shift < 3 && plain != NULL; shift++) {
            size_t n;
            int fq = ATOMS_NONE;
            base64_form(plain, len, shift, alphabet, enc, &n);
            if (n > 0 && (s->mods & MOD_BASE64))
                fq = atoms_best_quality(enc, NULL, n, NULL);
            if (n > 0 && (s->mods & MOD_BASE64WIDE)) {
                int fw = atoms_wide_quality(enc, NULL, n, -1);
                fq = (s->mods & MOD_BASE64) && fq < fw ? fq : fw;
            }
            if (first || fq < q)
                q = fq;
            first = false;
        }
        mem_free(plain);
    }
    mem_free(enc);
    return q;
}

static enum candor_status add_base64(struct match_builder *b, uint32_t sid,
                                     const struct ast_string *s, bool ascii,
                                     bool wide)
{
    const char *alphabet = s->base64_alphabet ? s->base64_alphabet : b64_std;
    size_t cap = (2 * s->text_len + 3) * 4 / 3 + 8;
    uint8_t *enc = mem_alloc(cap), *forms[12];
    size_t lens[12];
    unsigned n_forms = 0;
    enum candor_status rc = CANDOR_OK;

    if (enc == NULL)
        return CANDOR_ERROR_NOMEM;
    for (int e = 0; e < 2 && rc == CANDOR_OK; e++) {
        uint8_t *plain;
        size_t len = e == 0 ? s->text_len : 2 * s->text_len;
        if ((e == 0 && !ascii) || (e == 1 && !wide))
            continue;
        plain = e == 0 ? mem_memdup(s->text, len) : widen(s->text, s->text_len);
        if (plain == NULL) {
            rc = CANDOR_ERROR_NOMEM;
            break;
        }
        for (unsigned shift = 0; shift < 3 && rc == CANDOR_OK; shift++) {
            size_t n;
            base64_form(plain, len, shift, alphabet, enc, &n);
            for (int wide_out = 0; wide_out < 2 && n > 0; wide_out++) {
                uint8_t *f;
                size_t flen = wide_out ? 2 * n : n;
                bool dup = false;
                if ((wide_out == 0 && !(s->mods & MOD_BASE64)) ||
                    (wide_out == 1 && !(s->mods & MOD_BASE64WIDE)))
                    continue;
                f = wide_out ? widen(enc, n) : mem_memdup(enc, n);
                if (f == NULL) {
                    rc = CANDOR_ERROR_NOMEM;
                    break;
                }
                for (unsigned i = 0; i < n_forms && !dup; i++)
                    dup = lens[i] == flen && memcmp(forms[i], f, flen) == 0;
                if (dup) {
                    mem_free(f);
                    continue;
                }
                forms[n_forms] = f;
                lens[n_forms++] = flen;
                rc = add_literal(b, sid, f, flen, 0, 0);
                if (rc != CANDOR_OK)
                    break;
            }
        }
        mem_free(plain);
    }
    for (unsigned i = 0; i < n_forms; i++)
        mem_free(forms[i]);
    mem_free(enc);
    return rc;
}

static enum candor_status add_text(struct match_builder *b, uint32_t sid,
                                   const struct ast_string *s, char *err,
                                   size_t err_len)
{
    bool wide = (s->mods & MOD_WIDE) != 0;
    bool ascii = (s->mods & MOD_ASCII) || !wide;
    char msg[256];

    if (s->text_len == 0) {
        snprintf(msg, sizeof(msg), "empty string \"%s\"", s->id);
        return fail(CANDOR_ERROR_SYNTAX, err, err_len, msg);
    }
    if (s->text_len > UINT32_MAX / 4)
        return fail(CANDOR_ERROR_LIMIT, err, err_len, "string is too long");
    if (s->mods & (MOD_BASE64 | MOD_BASE64WIDE))
        return add_base64(b, sid, s, ascii, wide);
    return add_plain(b, sid, s, ascii, wide);
}

/* ---- PCRE2 text ---------------------------------------------------------- */

static void emit_byte(struct buf *o, uint8_t c)
{
    buf_printf(o, "\\x%02x", c);
}

/* A class as PCRE2 ranges; a negated one as [^...] of what was listed,
 * so that under PCRE2_CASELESS both cases of those are excluded, as yara
 * does. An empty negated class ([^\x00-\xff]) matches nothing. */
static void emit_class(struct buf *o, const struct re_node *n)
{
    bool neg = n->negated && re_class_count(n) < 256;

    if (re_class_count(n) == 0) {
        buf_puts(o, "[^\\x00-\\xff]");
        return;
    }
    buf_puts(o, neg ? "[^" : "[");
    for (unsigned c = 0; c < 256; c++) {
        unsigned e = c;
        if (re_class_has(n, (uint8_t)c) == neg)
            continue;
        while (e + 1 < 256 && re_class_has(n, (uint8_t)(e + 1)) != neg)
            e++;
        emit_byte(o, (uint8_t)c);
        if (e > c) {
            buf_putc(o, '-');
            emit_byte(o, (uint8_t)e);
        }
        c = e;
    }
    buf_putc(o, ']');
}

/* A word character in a wide string: [A-Za-z0-9_] then a zero byte. */
#define WIDE_WORD "[A-Za-z0-9_]\\x00"
#define AT_EDGE "(?<![\\x00-\\xff])|(?![\\x00-\\xff])"
#define NOT_AT_EDGE "(?<=[\\x00-\\xff])(?=[\\x00-\\xff])"

static void emit(struct buf *o, const struct re_node *n, bool wide,
                 unsigned depth);

static void emit_bound(struct buf *o, uint32_t min, uint32_t max, bool lazy)
{
    if (min == max)
        buf_printf(o, "{%u}", min);
    else if (max == RE_INFINITE)
        buf_printf(o, "{%u,}%s", min, lazy ? "?" : "");
    else
        buf_printf(o, "{%u,%u}%s", min, max, lazy ? "?" : "");
}

/* X{min,max} with PCRE2's bound of 65535 per quantifier: a larger fixed
 * part is split; a larger variable part (hex jumps only) is unbounded. */
static void emit_repeat(struct buf *o, const struct re_node *n, bool wide,
                        unsigned depth)
{
    uint32_t min = n->min, max = n->max;
    bool lazy = !n->greedy;
    size_t start = o->len, kid_len;

    if (max == 0)
        return;
    /* A single byte is repeated bare: PCRE2 compiles X{n} of one character
     * compactly but copies a group n times. */
    if (!wide && (n->kids[0]->kind == RE_LITERAL ||
                  n->kids[0]->kind == RE_CLASS || n->kids[0]->kind == RE_ANY)) {
        emit(o, n->kids[0], wide, depth + 1);
    } else {
        buf_puts(o, "(?:");
        emit(o, n->kids[0], wide, depth + 1);
        buf_putc(o, ')');
    }
    if (min <= PCRE_REPEAT_MAX &&
        (max == RE_INFINITE || max <= PCRE_REPEAT_MAX)) {
        emit_bound(o, min, max, lazy);
        return;
    }
    /* Copy the group for each further quantifier. */
    kid_len = o->len - start;
    {
        char *kid = mem_memdup(o->data + start, kid_len);
        uint32_t left = min;
        if (kid == NULL) {
            o->failed = true;
            return;
        }
        o->len = start;
        while (left > PCRE_REPEAT_MAX) {
            buf_append(o, kid, kid_len);
            emit_bound(o, PCRE_REPEAT_MAX, PCRE_REPEAT_MAX, false);
            left -= PCRE_REPEAT_MAX;
        }
        if (left > 0) {
            buf_append(o, kid, kid_len);
            emit_bound(o, left, left, false);
        }
        if (max == RE_INFINITE || max - min > PCRE_REPEAT_MAX) {
            buf_append(o, kid, kid_len);
            buf_puts(o, lazy ? "*?" : "*");
        } else if (max > min) {
            buf_append(o, kid, kid_len);
            emit_bound(o, 0, max - min, lazy);
        }
        mem_free(kid);
    }
}

/* A RUN's elements (a hex string's, so never wide). */
static void emit_run(struct buf *o, const struct re_node *n)
{
    uint32_t words[RE_CLASS_WORDS];
    struct re_node nibble;

    memset(&nibble, 0, sizeof(nibble));
    nibble.kind = RE_CLASS;
    nibble.cls = words;
    for (uint32_t i = 0; i < n->n_run; i++) {
        uint8_t v = n->run[i], m = n->run[n->n_run + i];
        if (m == 0xff) {
            emit_byte(o, v);
        } else if (m == 0) {
            buf_puts(o, "[\\x00-\\xff]");
        } else {
            memset(words, 0, sizeof(words));
            for (unsigned b = 0; b < 256; b++)
                if (((uint8_t)b & m) == v)
                    re_class_add(&nibble, (uint8_t)b);
            emit_class(o, &nibble);
        }
    }
}

static void emit(struct buf *o, const struct re_node *n, bool wide,
                 unsigned depth)
{
    if (depth > 2 * RE_MAX_DEPTH + 8) {
        o->failed = true;
        return;
    }
    switch (n->kind) {
    case RE_EMPTY:
        buf_puts(o, "(?:)");
        break;
    case RE_LITERAL:
        emit_byte(o, n->byte);
        break;
    case RE_CLASS:
        emit_class(o, n);
        break;
    case RE_ANY:
        buf_puts(o, "[\\x00-\\xff]");
        break;
    case RE_RUN:
        emit_run(o, n);
        return;
    case RE_CONCAT:
        for (uint32_t i = 0; i < n->n_kids; i++)
            emit(o, n->kids[i], wide, depth + 1);
        return;
    case RE_ALT:
        buf_puts(o, "(?:");
        for (uint32_t i = 0; i < n->n_kids; i++) {
            if (i > 0)
                buf_putc(o, '|');
            emit(o, n->kids[i], wide, depth + 1);
        }
        buf_putc(o, ')');
        return;
    case RE_REPEAT:
        emit_repeat(o, n, wide, depth);
        return;
    case RE_BOL:
        buf_putc(o, '^');
        return;
    case RE_EOL:
        buf_putc(o, '$');
        return;
    /* yara takes the start and the end of the data as word boundaries
     * whatever is next to them. */
    case RE_WORD_BOUNDARY:
        buf_puts(o, wide ? "(?:" AT_EDGE "|(?<=" WIDE_WORD ")(?!" WIDE_WORD
                           ")|(?<!" WIDE_WORD ")(?=" WIDE_WORD "))"
                         : "(?:" AT_EDGE "|\\b)");
        return;
    case RE_NOT_WORD_BOUNDARY:
        buf_puts(o, wide ? "(?:" NOT_AT_EDGE "(?:(?<=" WIDE_WORD ")(?="
                           WIDE_WORD ")|(?<!" WIDE_WORD ")(?!" WIDE_WORD ")))"
                         : "(?:" NOT_AT_EDGE "\\B)");
        return;
    }
    /* Every byte-consuming element of a wide regex is followed by a NUL. */
    if (wide && n->kind != RE_EMPTY)
        buf_puts(o, "\\x00");
}

static enum candor_status pcre_text(const struct re_node *re, bool wide,
                                    struct buf *o, char *err, size_t err_len)
{
    buf_init(o, PCRE_TEXT_MAX);
    emit(o, re, wide, 0);
    if (!o->failed)
        return CANDOR_OK;
    if (o->len >= PCRE_TEXT_MAX - 64 || o->data == NULL)
        return fail(CANDOR_ERROR_SYNTAX, err, err_len,
                    "regular expression is too large");
    return CANDOR_ERROR_NOMEM;
}

enum candor_status strings_regex_pcre(const struct re_node *re,
                                      struct buf *out)
{
    char err[64];

    return pcre_text(re, false, out, err, sizeof(err));
}

/* ---- Hex strings and regexes ------------------------------------------- */

/*
 * Adds a regex form: its text, and our atoms (widened for wide forms).
 * fullword is checked by the matcher on the match PCRE2 prefers, as yara
 * checks it on the match its engine returns (no backtracking into it).
 */
static enum candor_status add_regex_form(struct match_builder *b,
                                         uint32_t sid, const struct re_node *re,
                                         const struct atoms *at, bool wide,
                                         bool fullword, unsigned flags,
                                         char *err, size_t err_len)
{
    struct match_atom *atoms = NULL;
    uint8_t *wbytes = NULL;
    uint32_t n = at->quality >= ATOMS_MIN_USEFUL ? at->n_runs : 0;
    struct buf text;
    enum candor_status rc = pcre_text(re, wide, &text, err, err_len);

    if (fullword)
        flags |= MATCH_FULLWORD | (wide ? MATCH_WIDE : 0);

    if (rc == CANDOR_OK && n > 0) {
        atoms = mem_calloc(n, sizeof(*atoms));
        wbytes = wide ? widen(at->bytes, at->n_bytes) : NULL;
        if (atoms == NULL || (wide && wbytes == NULL))
            rc = CANDOR_ERROR_NOMEM;
    }
    for (uint32_t i = 0; rc == CANDOR_OK && i < n; i++) {
        const struct atoms_run *r = &at->runs[i];
        uint64_t bmin = wide ? 2 * r->before_min : r->before_min;
        uint64_t bmax = r->before_max == ATOMS_INF || r->before_max > UINT32_MAX / 2
                            ? UINT32_MAX
                        : wide ? 2 * r->before_max
                               : r->before_max;
        atoms[i].bytes = wide ? wbytes + 2 * r->off : at->bytes + r->off;
        atoms[i].len = wide ? 2 * r->len : r->len;
        atoms[i].nocase = (flags & MATCH_NOCASE) != 0;
        atoms[i].before_min = bmin > UINT32_MAX ? UINT32_MAX : (uint32_t)bmin;
        atoms[i].before_max = (uint32_t)bmax;
    }
    if (rc == CANDOR_OK)
        rc = match_builder_add_regex(b, sid, (const char *)text.data, text.len,
                                     flags, atoms, n, err, err_len);
    mem_free(atoms);
    mem_free(wbytes);
    buf_fini(&text);
    return rc;
}

/* Flattens a fixed-length hex tree into bytes and mask; false otherwise. */
static bool flatten_fixed(const struct re_node *n, uint8_t *bytes,
                          uint8_t *mask, uint32_t *len, unsigned depth)
{
    if (depth > 64)
        return false;
    switch (n->kind) {
    case RE_LITERAL:
    case RE_ANY:
    case RE_CLASS: {
        uint8_t v = 0, m = 0;
        if (*len >= MASKED_MAX)
            return false;
        if (n->kind == RE_LITERAL) {
            v = n->byte;
            m = 0xff;
        } else if (n->kind == RE_CLASS) {
            /* Only nibble classes: {b : b & m == v}. */
            unsigned first = 0;
            while (first < 256 && !re_class_has(n, (uint8_t)first))
                first++;
            if (re_class_count(n) != 16 || first > 255)
                return false;
            m = 0xf0;
            for (unsigned b = 0; b < 256; b++)
                if (re_class_has(n, (uint8_t)b) && (b & 0xf0) != (first & 0xf0))
                    m = 0x0f;
            v = (uint8_t)first & m;
            for (unsigned b = 0; b < 256; b++)
                if (re_class_has(n, (uint8_t)b) != (((uint8_t)b & m) == v))
                    return false;
        }
        bytes[*len] = v;
        mask[*len] = m;
        (*len)++;
        return true;
    }
    case RE_RUN:
        if (n->n_run > MASKED_MAX - *len)
            return false;
        memcpy(bytes + *len, n->run, n->n_run);
        memcpy(mask + *len, n->run + n->n_run, n->n_run);
        *len += n->n_run;
        return true;
    case RE_CONCAT:
        for (uint32_t i = 0; i < n->n_kids; i++)
            if (!flatten_fixed(n->kids[i], bytes, mask, len, depth + 1))
                return false;
        return true;
    case RE_REPEAT:
        if (!n->hex_jump || n->min != n->max || n->min > MASKED_MAX - *len)
            return false;
        for (uint32_t i = 0; i < n->min; i++) {
            bytes[*len] = 0;
            mask[(*len)++] = 0;
        }
        return true;
    default:
        return false;
    }
}

/* The best fully known run of a masked pattern (at most MASKED_ATOM). */
static int masked_atom(const uint8_t *bytes, const uint8_t *mask, uint32_t len,
                       uint32_t *off, uint32_t *n)
{
    int best = ATOMS_NONE;

    for (uint32_t i = 0; i < len;) {
        uint32_t j = i, start, rl;
        size_t at = 0;
        int r;
        if (mask[i] != 0xff) {
            i++;
            continue;
        }
        while (j < len && mask[j] == 0xff)
            j++;
        start = i;
        rl = j - i;
        if (rl > MASKED_ATOM) {
            atoms_best_quality(bytes + i, NULL, rl, &at);
            start = i + (uint32_t)at;
            if (start + MASKED_ATOM > j)
                start = j - MASKED_ATOM;
            rl = MASKED_ATOM;
        }
        r = atoms_best_quality(bytes + start, NULL, rl, NULL) * 64 + (int)rl;
        if (r > best) {
            best = r;
            *off = start;
            *n = rl;
        }
        i = j;
    }
    return best == ATOMS_NONE ? ATOMS_NONE : best / 64;
}

/* One hex string, or one piece of a chained one. */
static enum candor_status add_hex_piece(struct match_builder *b, uint32_t sid,
                                        const struct re_node *re, char *err,
                                        size_t err_len)
{
    struct atoms at;
    uint8_t *bytes = mem_alloc(MASKED_MAX), *mask = mem_alloc(MASKED_MAX);
    uint32_t len = 0, off = 0, n = 0;
    enum candor_status rc;

    if (bytes == NULL || mask == NULL) {
        rc = CANDOR_ERROR_NOMEM;
    } else if (flatten_fixed(re, bytes, mask, &len, 0) && len > 0 &&
               masked_atom(bytes, mask, len, &off, &n) >= ATOMS_MIN_USEFUL) {
        rc = match_builder_add_masked(b, sid, bytes, mask, len, 0, off, n);
    } else if (!atoms_from_tree(re, ATOMS_HEX | ATOMS_RUNS, MATCH_MAX_BEFORE,
                                &at)) {
        atoms_fini(&at);
        rc = CANDOR_ERROR_NOMEM;
    } else {
        rc = add_regex_form(b, sid, re, &at, false, false, MATCH_HEX, err,
                            err_len);
        atoms_fini(&at);
    }
    mem_free(bytes);
    mem_free(mask);
    return rc;
}

/* A top-level jump that makes yara chain the pieces around it. */
static bool long_jump(const struct re_node *k)
{
    return k->kind == RE_REPEAT && k->hex_jump &&
           (k->max == RE_INFINITE || k->max > RE_MAX_HEX_ALT_JUMP);
}

static uint32_t gap_add(uint32_t a, uint32_t b, bool is_max)
{
    if (a == MATCH_GAP_UNBOUNDED || b == MATCH_GAP_UNBOUNDED ||
        a > UINT32_MAX - 1 - b)
        return is_max ? MATCH_GAP_UNBOUNDED : UINT32_MAX - 1;
    return a + b;
}

/*
 * A hex string with jumps longer than 200 bytes (or unbounded) at its top
 * level is matched as yara does it: piece by piece, linked at the end
 * (match_builder_add_chain). Consecutive long jumps make one gap.
 */
static enum candor_status add_hex_chain(struct match_builder *b,
                                        uint32_t sid, const struct re_node *re,
                                        char *err, size_t err_len)
{
    uint32_t gmin[MATCH_MAX_PIECES] = {0}, gmax[MATCH_MAX_PIECES] = {0};
    uint32_t from[MATCH_MAX_PIECES], to[MATCH_MAX_PIECES];
    uint32_t n = 0, first, i = 0;
    enum candor_status rc;

    while (i < re->n_kids) {
        uint32_t j = i;
        while (j < re->n_kids && !long_jump(re->kids[j]))
            j++;
        if (n == MATCH_MAX_PIECES)
            return add_hex_piece(b, sid, re, err, err_len);
        from[n] = i;
        to[n] = j;
        gmin[n] = gmax[n] = 0;
        while (j < re->n_kids && long_jump(re->kids[j])) {
            const struct re_node *k = re->kids[j++];
            gmin[n] = gap_add(gmin[n], k->min, false);
            gmax[n] = gap_add(gmax[n], k->max == RE_INFINITE
                                           ? MATCH_GAP_UNBOUNDED
                                           : k->max,
                              true);
        }
        n++;
        i = j;
    }
    rc = match_builder_add_chain(b, sid, n, gmin, gmax, &first);
    for (uint32_t p = 0; p < n && rc == CANDOR_OK; p++) {
        struct re_node piece;
        memset(&piece, 0, sizeof(piece));
        piece.kind = RE_CONCAT;
        piece.kids = re->kids + from[p];
        piece.n_kids = to[p] - from[p];
        rc = add_hex_piece(b, first + p,
                           piece.n_kids == 1 ? piece.kids[0] : &piece, err,
                           err_len);
    }
    return rc;
}

static enum candor_status add_hex(struct match_builder *b, uint32_t sid,
                                  const struct re_node *re, char *err,
                                  size_t err_len)
{
    bool chained = false;

    for (uint32_t i = 0; re->kind == RE_CONCAT && i < re->n_kids; i++)
        chained |= long_jump(re->kids[i]);
    if (chained)
        return add_hex_chain(b, sid, re, err, err_len);
    return add_hex_piece(b, sid, re, err, err_len);
}

/* Sets bit 1 for a greedy repeat under n, bit 2 for a lazy one. */
static unsigned greediness(const struct re_node *n, unsigned depth)
{
    unsigned g = 0;

    if (depth > 2 * RE_MAX_DEPTH + 8)
        return 0;
    if (n->kind == RE_REPEAT && !n->hex_jump)
        g |= n->greedy ? 1u : 2u;
    for (uint32_t i = 0; i < n->n_kids && g != 3u; i++)
        g |= greediness(n->kids[i], depth + 1);
    return g;
}

static enum candor_status add_regex(struct match_builder *b, uint32_t sid,
                                    const struct ast_string *s,
                                    const struct re_node *re, char *err,
                                    size_t err_len)
{
    bool wide = (s->mods & MOD_WIDE) != 0;
    bool ascii = (s->mods & MOD_ASCII) || !wide;
    bool fullword = (s->mods & MOD_FULLWORD) != 0;
    unsigned flags = ((s->mods & MOD_NOCASE) || (s->re_flags & RE_FLAG_NOCASE))
                         ? MATCH_NOCASE
                         : 0;
    struct atoms at;
    enum candor_status rc = CANDOR_OK;

    /* yara refuses these (without its "invalid regular expression" prefix). */
    if (greediness(re, 0) == 3u)
        return fail(CANDOR_ERROR_SYNTAX, err, err_len,
                    "greedy and ungreedy quantifiers can't be mixed in a "
                    "regular expression");
    if (!atoms_from_tree(re, ATOMS_RUNS, ATOMS_INF, &at)) {
        atoms_fini(&at);
        return CANDOR_ERROR_NOMEM;
    }
    if (ascii)
        rc = add_regex_form(b, sid, re, &at, false, fullword, flags, err,
                            err_len);
    if (rc == CANDOR_OK && wide)
        rc = add_regex_form(b, sid, re, &at, true, fullword, flags, err,
                            err_len);
    atoms_fini(&at);
    return rc;
}

/* yara's verdict on a tree: its chosen atoms score under ATOMS_WARN_BELOW
 * (for a regex: in its ascii or its wide form). False when out of memory. */
static bool tree_slow(const struct ast_string *s, const struct re_node *re)
{
    bool wide = (s->mods & MOD_WIDE) != 0;
    bool ascii = (s->mods & MOD_ASCII) || !wide;
    bool slow = false;
    struct atoms at = {0};

    if (s->kind == AST_STRING_HEX) {
        if (atoms_from_tree(re, ATOMS_HEX | ATOMS_YARA, MATCH_MAX_BEFORE, &at))
            slow = at.yara_quality < ATOMS_WARN_BELOW;
        atoms_fini(&at);
        return slow;
    }
    if (greediness(re, 0) == 3u)
        return false; /* an error, not a warning */
    if (ascii && atoms_from_tree(re, ATOMS_YARA, ATOMS_INF, &at))
        slow = at.yara_quality < ATOMS_WARN_BELOW;
    atoms_fini(&at);
    if (wide && !slow &&
        atoms_from_tree(re, ATOMS_YARA | ATOMS_WIDE, ATOMS_INF, &at))
        slow = at.yara_quality < ATOMS_WARN_BELOW;
    atoms_fini(&at);
    return slow;
}

static bool text_slow(const struct ast_string *s)
{
    bool wide = (s->mods & MOD_WIDE) != 0;
    bool ascii = (s->mods & MOD_ASCII) || !wide;

    if (s->text_len == 0 || s->text_len > UINT32_MAX / 4)
        return false;
    if (s->mods & (MOD_BASE64 | MOD_BASE64WIDE))
        return base64_quality(s, ascii, wide) < ATOMS_WARN_BELOW;
    return text_quality(s, ascii, wide) < ATOMS_WARN_BELOW;
}

/* s->re, or s parsed into a (NULL when it does not parse). */
static const struct re_node *tree_of(const struct ast_string *s,
                                     struct arena *a, char *err,
                                     size_t err_len)
{
    struct re_node *parsed = NULL;
    bool ok;

    if (s->re != NULL)
        return s->re;
    ok = s->kind == AST_STRING_HEX
             ? re_parse_hex(a, s->text, s->text_len, &parsed, err, err_len)
             : re_parse_regex(a, s->text, s->text_len, s->re_flags, &parsed,
                              err, err_len);
    return ok ? parsed : NULL;
}

bool strings_slow(const struct ast_string *s)
{
    const struct re_node *re;
    struct arena a;
    char err[8];
    bool slow;

    if (s->kind == AST_STRING_TEXT)
        return text_slow(s);
    arena_init(&a, 4096);
    re = tree_of(s, &a, err, sizeof(err));
    slow = re != NULL && tree_slow(s, re);
    arena_fini(&a);
    return slow;
}

enum candor_status strings_add(struct match_builder *b, uint32_t string_id,
                               const struct ast_string *s,
                               struct strings_result *res, char *err,
                               size_t err_len)
{
    const struct re_node *re;
    struct arena a;
    enum candor_status rc;

    if (res != NULL)
        res->slow = false;
    if (s->kind == AST_STRING_TEXT) {
        if (res != NULL)
            res->slow = text_slow(s);
        return add_text(b, string_id, s, err, err_len);
    }
    arena_init(&a, 4096);
    re = tree_of(s, &a, err, err_len);
    if (re == NULL)
        rc = CANDOR_ERROR_SYNTAX;
    else if (s->kind == AST_STRING_HEX)
        rc = add_hex(b, string_id, re, err, err_len);
    else
        rc = add_regex(b, string_id, s, re, err, err_len);
    if (re != NULL && res != NULL)
        res->slow = tree_slow(s, re);
    arena_fini(&a);
    return rc;
}
