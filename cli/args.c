/* args.c - see args.h. */
#include "args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool args_integer(const char *s, long long *out)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 0);
    if (*end != '\0')
        return false;
    *out = v; /* out of range clamps, as yara's strtol does */
    return true;
}

static const struct arg_spec *find_long(const struct arg_spec *specs,
                                        size_t n_specs, const char *name,
                                        size_t len)
{
    for (size_t i = 0; i < n_specs; i++) {
        const char *l = specs[i].long_name;
        if (l != NULL && strlen(l) == len && memcmp(l, name, len) == 0)
            return &specs[i];
    }
    return NULL;
}

static const struct arg_spec *find_short(const struct arg_spec *specs,
                                         size_t n_specs, char c)
{
    for (size_t i = 0; i < n_specs; i++) {
        if (specs[i].short_name == c)
            return &specs[i];
    }
    return NULL;
}

struct parser {
    const struct arg_spec *specs;
    size_t n_specs;
    int seen[64]; /* times each option was met */
    args_fn fn;
    void *ctx;
    char *err;
    size_t err_len;
};

static bool fail_value(struct parser *p, const struct arg_spec *spec,
                       const char *word)
{
    snprintf(p->err, p->err_len, "option `%s` requires %s argument", word,
             spec->kind == ARG_INT ? "an integer" : "a string");
    return false;
}

/* Hands one option and its value (NULL for flags) to the callback. */
static bool take(struct parser *p, const struct arg_spec *spec,
                 const char *value, const char *word)
{
    long long number = 0;
    size_t slot = (size_t)(spec - p->specs);

    if (spec->kind == ARG_INT && !args_integer(value, &number))
        return fail_value(p, spec, word);
    if (slot >= sizeof(p->seen) / sizeof(p->seen[0]) ||
        p->seen[slot] == (spec->kind == ARG_REPEAT ? ARGS_MAX_REPEAT : 1)) {
        snprintf(p->err, p->err_len, "too many `%s` options", word);
        return false;
    }
    p->seen[slot]++;
    p->fn(p->ctx, spec, spec->kind == ARG_FLAG ? NULL : value, number);
    return true;
}

static bool unknown(struct parser *p, const char *word)
{
    snprintf(p->err, p->err_len, "unknown option `%s`", word);
    return false;
}

/* --name, --name=value, or (separate_value) --name value. */
static bool parse_long(struct parser *p, int argc, char **argv, int *i)
{
    const char *word = argv[*i], *name = word + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    const struct arg_spec *spec = find_long(p->specs, p->n_specs, name, len);

    if (spec == NULL)
        return unknown(p, word);
    if (spec->kind == ARG_FLAG)
        return take(p, spec, NULL, word);
    if (eq != NULL)
        return take(p, spec, eq + 1, word);
    if (spec->separate_value && *i + 1 < argc) {
        *i += 1;
        return take(p, spec, argv[*i], word);
    }
    return fail_value(p, spec, word);
}

/* -abc: flags, the last of which may take the next word as its value. */
static bool parse_short(struct parser *p, int argc, char **argv, int *i)
{
    const char *word = argv[*i];

    for (size_t j = 1; word[j] != '\0'; j++) {
        const struct arg_spec *spec = find_short(p->specs, p->n_specs, word[j]);
        if (spec == NULL)
            return unknown(p, word);
        if (spec->kind == ARG_FLAG) {
            if (!take(p, spec, NULL, word))
                return false;
            continue;
        }
        if (word[j + 1] != '\0' || *i + 1 >= argc)
            return fail_value(p, spec, word);
        *i += 1;
        return take(p, spec, argv[*i], word);
    }
    return true;
}

bool args_parse(const struct arg_spec *specs, size_t n_specs, int argc,
                char **argv, args_fn fn, void *ctx, char **positional,
                int *n_positional, char *err, size_t err_len)
{
    struct parser p;
    int n = 0;
    bool ok = true;

    memset(&p, 0, sizeof(p));
    p.specs = specs;
    p.n_specs = n_specs;
    p.fn = fn;
    p.ctx = ctx;
    p.err = err;
    p.err_len = err_len;
    for (int i = 1; i < argc && ok; i++) {
        const char *w = argv[i];
        if (w[0] != '-' || strcmp(w, "--") == 0)
            positional[n++] = argv[i];
        else if (w[1] == '-')
            ok = parse_long(&p, argc, argv, &i);
        else
            ok = parse_short(&p, argc, argv, &i);
    }
    *n_positional = n;
    return ok;
}

void args_print_help(const struct arg_spec *specs, size_t n_specs, FILE *f)
{
    for (size_t i = 0; i < n_specs; i++) {
        const struct arg_spec *s = &specs[i];
        char left[64];
        int n;

        if (s->help == NULL)
            continue;
        n = snprintf(left, sizeof(left), "  %c%c%s", s->short_name ? '-' : ' ',
                     s->short_name ? s->short_name : ' ',
                     s->short_name && s->long_name ? ", " : "  ");
        if (s->long_name != NULL && n > 0 && (size_t)n < sizeof(left))
            snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s",
                     s->long_name, s->value_name ? "=" : "",
                     s->value_name ? s->value_name : "");
        else if (s->value_name != NULL && n > 0 && (size_t)n < sizeof(left))
            snprintf(left + n, sizeof(left) - (size_t)n, "%s", s->value_name);
        fprintf(f, "%-40s %s\n", left, s->help);
    }
}
