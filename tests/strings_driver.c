/*
 * strings_driver.c - runs candor's matcher on one-string rules, for
 * tests/strings_diff.py to compare with yara.
 *
 *   strings_driver [-f] DEFS DATA
 *
 * DEFS holds one string definition per line, as after `$a = ` in a rule:
 * "text" / {hex} / /regex/is, then modifiers (nocase wide ascii fullword
 * private xor xor(N) xor(A-B) base64 base64wide base64("alphabet")). For
 * line i it prints `W i` when the string may slow down scanning, `E i MSG`
 * when it does not compile, and per match `R i OFFSET` then `L LENGTH`
 * (the lines yara's console module prints in strings_diff.py's rules), and
 * `O i` when the string overflowed (STRINGS_DRIVER_STATS=1: counts on
 * stderr). Built by strings_diff.py against
 * build/libcandor.a; it parses definitions itself because the matcher does
 * not depend on the rule parser.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/mem.h"
#include "compile/strings.h"
#include "match/match.h"
#include "rules/ast.h"
#include "rules/re.h"

struct def {
    struct ast_string s;
    char err[256];
    bool bad;
};

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static long number(const char **pp)
{
    char *end;
    long v = strtol(*pp, &end, 0);
    *pp = end;
    return v;
}

/* Parses a text string body with yara's escapes into out. */
static const char *parse_text(const char *p, struct arena *a,
                              struct ast_string *s)
{
    uint8_t *buf = arena_alloc(a, strlen(p) + 1);
    size_t n = 0;

    p++;
    while (*p && *p != '"') {
        if (*p == '\\' && p[1]) {
            p++;
            switch (*p) {
            case 'n': buf[n++] = '\n'; p++; break;
            case 't': buf[n++] = '\t'; p++; break;
            case 'r': buf[n++] = '\r'; p++; break;
            case 'x': {
                char h[3] = {p[1], p[2], 0};
                buf[n++] = (uint8_t)strtol(h, NULL, 16);
                p += 3;
                break;
            }
            default: buf[n++] = (uint8_t)*p++; break;
            }
        } else {
            buf[n++] = (uint8_t)*p++;
        }
    }
    s->kind = AST_STRING_TEXT;
    s->text = buf;
    s->text_len = n;
    return *p == '"' ? p + 1 : p;
}

static const char *parse_def(const char *p, struct arena *a, struct def *d)
{
    struct ast_string *s = &d->s;
    const char *q;

    memset(d, 0, sizeof(*d));
    s->id = "$a";
    s->xor_min = 0;
    s->xor_max = 255;
    p = skip_ws(p);
    if (*p == '"') {
        p = parse_text(p, a, s);
    } else if (*p == '{') {
        q = strchr(p, '}');
        if (q == NULL)
            return NULL;
        s->kind = AST_STRING_HEX;
        s->text = (const uint8_t *)arena_memdup(a, p + 1, (size_t)(q - p - 1));
        s->text_len = (size_t)(q - p - 1);
        p = q + 1;
    } else if (*p == '/') {
        q = p + 1;
        while (*q && *q != '/') {
            if (*q == '\\' && q[1])
                q++;
            q++;
        }
        s->kind = AST_STRING_REGEX;
        s->text = (const uint8_t *)arena_memdup(a, p + 1, (size_t)(q - p - 1));
        s->text_len = (size_t)(q - p - 1);
        p = *q ? q + 1 : q;
        while (*p == 'i' || *p == 's')
            s->re_flags |= *p++ == 'i' ? RE_FLAG_NOCASE : RE_FLAG_DOTALL;
    } else {
        return NULL;
    }
    for (;;) {
        p = skip_ws(p);
        if (strncmp(p, "nocase", 6) == 0) {
            s->mods |= MOD_NOCASE;
            p += 6;
        } else if (strncmp(p, "wide", 4) == 0) {
            s->mods |= MOD_WIDE;
            p += 4;
        } else if (strncmp(p, "ascii", 5) == 0) {
            s->mods |= MOD_ASCII;
            p += 5;
        } else if (strncmp(p, "fullword", 8) == 0) {
            s->mods |= MOD_FULLWORD;
            p += 8;
        } else if (strncmp(p, "private", 7) == 0) {
            s->mods |= MOD_PRIVATE;
            p += 7;
        } else if (strncmp(p, "xor", 3) == 0) {
            s->mods |= MOD_XOR;
            p += 3;
            if (*p == '(') {
                p++;
                s->xor_min = s->xor_max = (uint8_t)number(&p);
                if (*p == '-') {
                    p++;
                    s->xor_max = (uint8_t)number(&p);
                }
                p++;
            }
        } else if (strncmp(p, "base64", 6) == 0) {
            bool w = strncmp(p, "base64wide", 10) == 0;
            s->mods |= w ? MOD_BASE64WIDE : MOD_BASE64;
            p += w ? 10 : 6;
            if (*p == '(') {
                struct ast_string tmp;
                memset(&tmp, 0, sizeof(tmp));
                p = parse_text(p + 1, a, &tmp) + 1;
                s->base64_alphabet = (const char *)tmp.text;
            }
        } else {
            break;
        }
    }
    return p;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        return NULL;
    data = malloc((size_t)n + 1);
    if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(data);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return data;
}

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    double t0 = seconds(), t1, t2;
    struct match_scan_opts opts = {.max_per_string = 1000000};
    struct arena a;
    struct def *defs = NULL;
    uint32_t n = 0, cap = 0;
    struct match_builder *b;
    struct match_db *db;
    struct match_scratch *sc;
    uint8_t *data;
    size_t len;
    char line[65536];
    FILE *f;
    int argi = 1;

    if (argc > 1 && strcmp(argv[1], "-f") == 0) {
        opts.fast = true;
        argi++;
    }
    if (argc - argi != 2) {
        fprintf(stderr, "usage: strings_driver [-f] DEFS DATA\n");
        return 2;
    }
    arena_init(&a, 65536);
    f = fopen(argv[argi], "r");
    data = read_file(argv[argi + 1], &len);
    if (f == NULL || data == NULL) {
        fprintf(stderr, "cannot read input\n");
        return 2;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            defs = realloc(defs, cap * sizeof(*defs));
        }
        if (parse_def(line, &a, &defs[n]) == NULL) {
            defs[n].bad = true;
            snprintf(defs[n].err, sizeof(defs[n].err), "driver: bad line");
        }
        n++;
    }
    fclose(f);
    if (match_builder_new(n, &b) != CANDOR_OK)
        return 3;
    for (uint32_t i = 0; i < n; i++) {
        struct strings_result res = {false};
        enum candor_status rc;
        if (defs[i].bad) {
            printf("E %u %s\n", i, defs[i].err);
            continue;
        }
        rc = strings_add(b, i, &defs[i].s, &res, defs[i].err,
                         sizeof(defs[i].err));
        if (rc != CANDOR_OK)
            printf("E %u %s\n", i, defs[i].err);
        else if (res.slow)
            printf("W %u\n", i);
    }
    if (match_builder_build(b, &db) != CANDOR_OK ||
        match_scratch_new(db, &sc) != CANDOR_OK)
        return 3;
    t1 = seconds();
    if (match_scan(db, sc, data, len, &opts) != CANDOR_OK)
        return 4;
    t2 = seconds();
    if (getenv("STRINGS_DRIVER_STATS") != NULL) {
        struct match_db_info di;
        struct match_stats st;
        match_db_info(db, &di);
        match_scratch_stats(sc, &st);
        fprintf(stderr,
                "forms: %u literal, %u masked, %u regex (%u searched "
                "everywhere); %u atoms, %llu bytes of vectorscan\n"
                "scan: %llu atom hits, %llu verifications, %llu limit hits\n"
                "time: %.3f s building, %.3f s scanning %zu bytes\n",
                di.n_literal, di.n_masked, di.n_regex, di.n_scan_all,
                di.n_atoms, (unsigned long long)di.hs_bytes,
                (unsigned long long)st.atom_hits,
                (unsigned long long)st.verifications,
                (unsigned long long)st.limit_hits, t1 - t0, t2 - t1, len);
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct match_list *l = match_scratch_list(sc, i);
        for (uint32_t k = 0; k < l->n; k++)
            printf("R %u %llu\nL %u\n", i, (unsigned long long)l->m[k].offset,
                   l->m[k].len);
        if (l->overflow)
            printf("O %u\n", i);
    }
    match_scratch_free(sc);
    match_db_free(db);
    arena_fini(&a);
    free(defs);
    free(data);
    return 0;
}
