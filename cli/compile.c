/* compile.c - see compile.h. */
#include "compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "define.h"
#include "key.h"

struct diag_ctx {
    bool no_warnings;
    int n_warnings; /* warnings printed */
};

static void on_diag(void *ctx, const struct candor_diag *d)
{
    struct diag_ctx *dc = ctx;
    const char *level = d->level == CANDOR_DIAG_ERROR ? "error" : "warning";

    if (d->level == CANDOR_DIAG_WARNING) {
        if (dc->no_warnings)
            return;
        dc->n_warnings++;
    }
    fflush(stdout);
    if (d->rule != NULL)
        fprintf(stderr, "%s: rule \"%s\" in %s(%d): %s\n", level, d->rule,
                d->file, d->line, d->message);
    else
        fprintf(stderr, "%s(%d): %s: %s\n", d->file, d->line, level,
                d->message);
}

/*
 * -d for source rules, in order, as yara: a definition without '=' ends
 * the list with an error message but not the run; a name defined twice is
 * yara's error 56 (ERROR_DUPLICATED_EXTERNAL_VARIABLE), which is fatal.
 */
static bool define_all(const struct options *o, struct candor_compiler *c)
{
    for (int i = 0; i < o->defines.n; i++) {
        struct define d;
        enum candor_status rc = define_parse(o->defines.v[i], &d);
        bool dup = false;
        if (rc == CANDOR_ERROR_ARGUMENT) {
            fprintf(stderr, "error: wrong syntax for `-d` option.\n");
            return true;
        }
        for (int j = 0; j < i && rc == CANDOR_OK; j++) {
            size_t len = strlen(d.name);
            dup = dup || (strncmp(o->defines.v[j], d.name, len) == 0 &&
                          o->defines.v[j][len] == '=');
        }
        if (rc == CANDOR_OK && dup) {
            fprintf(stderr, "error: 56\n");
            define_fini(&d);
            return false;
        }
        if (rc == CANDOR_OK && d.name[0] != '\0')
            rc = define_in_compiler(&d, c);
        define_fini(&d);
        if (rc != CANDOR_OK) {
            fprintf(stderr, "error: %s\n", candor_status_str(rc));
            return false;
        }
    }
    return true;
}

/* One [NS:]PATH; false when it could not be read or had errors. */
static bool add_source(struct candor_compiler *c, const char *arg)
{
    const char *path;
    char *ns;
    FILE *f;
    enum candor_status rc;
    int errors = candor_compiler_errors(c);

    if (!options_split_source(arg, &ns, &path)) {
        fprintf(stderr, "error: not enough memory\n");
        return false;
    }
    f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "error: could not open file: %s\n", path);
        free(ns);
        return false;
    }
    fclose(f);
    rc = candor_compiler_add_file(c, path, ns);
    free(ns);
    if (rc == CANDOR_ERROR_IO && candor_compiler_errors(c) == errors)
        fprintf(stderr, "error: could not open file: %s\n", path);
    else if (rc != CANDOR_OK && candor_compiler_errors(c) == errors)
        fprintf(stderr, "error: %s: %s\n", path, candor_status_str(rc));
    return rc == CANDOR_OK && candor_compiler_errors(c) == errors;
}

enum candor_status compile_sources(const struct options *o,
                                   char *const *sources, int n_sources,
                                   struct candor_rules **out)
{
    struct diag_ctx dc = {o->no_warnings, 0};
    struct candor_compiler *c = NULL;
    struct candor_rules *rules = NULL;
    enum candor_status rc = candor_compiler_new(&c);
    bool ok;

    if (rc != CANDOR_OK || c == NULL) {
        fprintf(stderr, "error: %s\n", candor_status_str(rc));
        return rc != CANDOR_OK ? rc : CANDOR_ERROR_INTERNAL;
    }
    candor_compiler_set_diag(c, on_diag, &dc);
    if (o->max_strings_set)
        candor_compiler_set_max_strings(c, (uint32_t)o->max_strings);
    ok = define_all(o, c);
    for (int i = 0; ok && i < n_sources; i++)
        ok = add_source(c, sources[i]);
    if (ok) {
        int errors = candor_compiler_errors(c);
        rc = candor_compiler_get_rules(c, &rules);
        if (rc == CANDOR_OK && rules == NULL)
            rc = CANDOR_ERROR_INTERNAL;
        if (rc != CANDOR_OK && candor_compiler_errors(c) == errors)
            fprintf(stderr, "error: %s\n", candor_status_str(rc));
        ok = rc == CANDOR_OK;
    }
    /* Checked last: building the rules may warn too. */
    if (ok && o->fail_on_warnings && dc.n_warnings > 0) {
        candor_rules_free(rules);
        rules = NULL;
        ok = false;
    }
    candor_compiler_free(c);
    if (!ok)
        return rc != CANDOR_OK ? rc : CANDOR_ERROR_SYNTAX;
    *out = rules;
    return CANDOR_OK;
}

static const char compile_usage[] =
    "Usage: candor compile [OPTION]... [NAMESPACE:]SOURCE_FILE... "
    "OUTPUT_FILE\n";

static void help(void)
{
    printf("candor compile %s: compile YARA rules into one file for "
           "`candor scan -C`.\n%s\n",
           CANDOR_VERSION, compile_usage);
    options_help_compile(stdout);
    printf("\nThe options are yarac's; see docs/cli.md.\n");
}

static int run(const struct options *o)
{
    struct candor_rules *rules = NULL;
    struct rules_key key;
    const char *output = o->positional[o->n_positional - 1];
    enum candor_status rc;

    if (o->atom_table != NULL && !options_file_readable(o->atom_table)) {
        fprintf(stderr, "error loading atom quality table: could not open "
                        "file\n");
        return 1;
    }
    rc = compile_sources(o, o->positional, o->n_positional - 1, &rules);
    if (rc != CANDOR_OK)
        return 1;
    if (!key_get(o->rules_key, true, o->no_warnings, &key)) {
        candor_rules_free(rules);
        return 1;
    }
    rc = candor_rules_save(rules, output, key.len ? key.bytes : NULL, key.len);
    candor_rules_free(rules);
    if (rc != CANDOR_OK) {
        fprintf(stderr, "error: could not save compiled rules to %s: %s\n",
                output, candor_status_str(rc));
        return 1;
    }
    return 0;
}

int compile_main(int argc, char **argv)
{
    struct options o;
    char err[512];
    int rc = 0;

    if (!options_parse_compile(argc, argv, &o, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        rc = 1;
    } else if (o.version) {
        printf("%s\n", CANDOR_VERSION);
    } else if (o.help) {
        help();
    } else if (o.n_positional < 2) {
        fprintf(stderr,
                "candor compile: wrong number of arguments\n%s\n"
                "Try `--help` for more options\n",
                compile_usage);
        rc = 1;
    } else {
        rc = run(&o);
    }
    options_fini(&o);
    return rc;
}
