/* options.c - see options.h. */
#include "options.h"

#include <stdlib.h>
#include <string.h>

enum {
    OPT_ATOM_TABLE,
    OPT_COMPILED,
    OPT_COUNT,
    OPT_DEFINE,
    OPT_FAIL_ON_WARNINGS,
    OPT_FAST,
    OPT_HELP,
    OPT_IDENTIFIER,
    OPT_MAX_CHUNK,
    OPT_MAX_RULES,
    OPT_MAX_STRINGS,
    OPT_MODULE_DATA,
    OPT_NEGATE,
    OPT_NO_FOLLOW,
    OPT_NO_WARNINGS,
    OPT_PRINT_META,
    OPT_PRINT_MODULE_DATA,
    OPT_PRINT_NAMESPACE,
    OPT_PRINT_STATS,
    OPT_PRINT_STRINGS,
    OPT_PRINT_LENGTHS,
    OPT_PRINT_TAGS,
    OPT_RECURSIVE,
    OPT_RULES_KEY,
    OPT_SCAN_LIST,
    OPT_SKIP_LARGER,
    OPT_STACK_SIZE,
    OPT_TAG,
    OPT_THREADS,
    OPT_TIMEOUT,
    OPT_VERSION,
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* yara 4.2.3's options, in its help's order, and candor's --rules-key. */
static const struct arg_spec scan_specs[] = {
    {OPT_ATOM_TABLE, 0, "atom-quality-table", ARG_STRING, false, "FILE",
     "accepted for compatibility; candor chooses atoms itself"},
    {OPT_COMPILED, 'C', "compiled-rules", ARG_FLAG, false, NULL,
     "RULES_FILE holds rules compiled by `candor compile`"},
    {OPT_COUNT, 'c', "count", ARG_FLAG, false, NULL,
     "print only the number of matching rules"},
    {OPT_DEFINE, 'd', "define", ARG_REPEAT, false, "VAR=VALUE",
     "define an external variable"},
    {OPT_FAIL_ON_WARNINGS, 0, "fail-on-warnings", ARG_FLAG, false, NULL,
     "treat warnings as errors"},
    {OPT_FAST, 'f', "fast-scan", ARG_FLAG, false, NULL,
     "fast mode: report only the first match of each string"},
    {OPT_HELP, 'h', "help", ARG_FLAG, false, NULL, "show this help and exit"},
    {OPT_IDENTIFIER, 'i', "identifier", ARG_REPEAT, false, "IDENTIFIER",
     "print only the rules named IDENTIFIER"},
    {OPT_MAX_CHUNK, 0, "max-process-memory-chunk", ARG_INT, false, "NUMBER",
     "accepted for compatibility (candor does not scan processes)"},
    {OPT_MAX_RULES, 'l', "max-rules", ARG_INT, false, "NUMBER",
     "stop scanning a file after NUMBER matching rules"},
    {OPT_MAX_STRINGS, 0, "max-strings-per-rule", ARG_INT, false, "NUMBER",
     "the most strings a rule may have (default=10000)"},
    {OPT_MODULE_DATA, 'x', "module-data", ARG_REPEAT, false, "MODULE=FILE",
     "give FILE's content to MODULE"},
    {OPT_NEGATE, 'n', "negate", ARG_FLAG, false, NULL,
     "print only the rules that do not match"},
    {OPT_NO_FOLLOW, 'N', "no-follow-symlinks", ARG_FLAG, false, NULL,
     "do not follow symbolic links in directories"},
    {OPT_NO_WARNINGS, 'w', "no-warnings", ARG_FLAG, false, NULL,
     "do not print warnings"},
    {OPT_PRINT_META, 'm', "print-meta", ARG_FLAG, false, NULL,
     "print the rules' metadata"},
    {OPT_PRINT_MODULE_DATA, 'D', "print-module-data", ARG_FLAG, false, NULL,
     "print module data"},
    {OPT_PRINT_NAMESPACE, 'e', "print-namespace", ARG_FLAG, false, NULL,
     "print the rules' namespaces"},
    {OPT_PRINT_STATS, 'S', "print-stats", ARG_FLAG, false, NULL,
     "print statistics about the rules"},
    {OPT_PRINT_STRINGS, 's', "print-strings", ARG_FLAG, false, NULL,
     "print the matches of the strings"},
    {OPT_PRINT_LENGTHS, 'L', "print-string-length", ARG_FLAG, false, NULL,
     "print the length of each match"},
    {OPT_PRINT_TAGS, 'g', "print-tags", ARG_FLAG, false, NULL,
     "print the rules' tags"},
    {OPT_RECURSIVE, 'r', "recursive", ARG_FLAG, false, NULL,
     "scan directories recursively"},
    {OPT_RULES_KEY, 0, "rules-key", ARG_STRING, true, "FILE",
     "key of compiled rules (default: see docs/cli.md)"},
    {OPT_SCAN_LIST, 0, "scan-list", ARG_FLAG, false, NULL,
     "the target is a file that lists the paths to scan, one a line"},
    {OPT_SKIP_LARGER, 'z', "skip-larger", ARG_INT, false, "NUMBER",
     "in directories, skip files of NUMBER bytes or more"},
    {OPT_STACK_SIZE, 'k', "stack-size", ARG_INT, false, "SLOTS",
     "accepted for compatibility; candor sizes its stack itself"},
    {OPT_TAG, 't', "tag", ARG_REPEAT, false, "TAG",
     "print only the rules tagged TAG"},
    {OPT_THREADS, 'p', "threads", ARG_INT, false, "NUMBER",
     "scan directories with NUMBER threads (default: the CPUs, at most 32)"},
    {OPT_TIMEOUT, 'a', "timeout", ARG_INT, false, "SECONDS",
     "give up a file after SECONDS"},
    {OPT_VERSION, 'v', "version", ARG_FLAG, false, NULL,
     "print the version and exit"},
};

/* yarac 4.2.3's options and candor's --rules-key. */
static const struct arg_spec compile_specs[] = {
    {OPT_ATOM_TABLE, 0, "atom-quality-table", ARG_STRING, false, "FILE",
     "accepted for compatibility; candor chooses atoms itself"},
    {OPT_DEFINE, 'd', "define", ARG_REPEAT, false, "VAR=VALUE",
     "define an external variable"},
    {OPT_FAIL_ON_WARNINGS, 0, "fail-on-warnings", ARG_FLAG, false, NULL,
     "treat warnings as errors"},
    {OPT_HELP, 'h', "help", ARG_FLAG, false, NULL, "show this help and exit"},
    {OPT_MAX_STRINGS, 0, "max-strings-per-rule", ARG_INT, false, "NUMBER",
     "the most strings a rule may have (default=10000)"},
    {OPT_RULES_KEY, 0, "rules-key", ARG_STRING, true, "FILE",
     "key to sign the compiled rules with (default: see docs/cli.md)"},
    {OPT_NO_WARNINGS, 'w', "no-warnings", ARG_FLAG, false, NULL,
     "do not print warnings"},
    {OPT_VERSION, 'v', "version", ARG_FLAG, false, NULL,
     "print the version and exit"},
};

static void set_flag(struct options *o, int id)
{
    switch (id) {
    case OPT_COMPILED: o->compiled = true; break;
    case OPT_COUNT: o->count_only = true; break;
    case OPT_FAIL_ON_WARNINGS: o->fail_on_warnings = true; break;
    case OPT_FAST: o->fast = true; break;
    case OPT_HELP: o->help = true; break;
    case OPT_NEGATE: o->negate = true; break;
    case OPT_NO_FOLLOW: o->no_follow = true; break;
    case OPT_NO_WARNINGS: o->no_warnings = true; break;
    case OPT_PRINT_META: o->print_meta = true; break;
    case OPT_PRINT_MODULE_DATA: o->print_module_data = true; break;
    case OPT_PRINT_NAMESPACE: o->print_namespace = true; break;
    case OPT_PRINT_STATS: o->print_stats = true; break;
    case OPT_PRINT_STRINGS: o->print_strings = true; break;
    case OPT_PRINT_LENGTHS: o->print_lengths = true; break;
    case OPT_PRINT_TAGS: o->print_tags = true; break;
    case OPT_RECURSIVE: o->recursive = true; break;
    case OPT_SCAN_LIST: o->scan_list = true; break;
    case OPT_VERSION: o->version = true; break;
    default: break;
    }
}

static void set_number(struct options *o, int id, long long n)
{
    switch (id) {
    case OPT_MAX_CHUNK: o->max_chunk = n; break;
    case OPT_MAX_RULES: o->max_rules = n; break;
    case OPT_MAX_STRINGS:
        o->max_strings = n;
        o->max_strings_set = true;
        break;
    case OPT_SKIP_LARGER: o->skip_larger = n; break;
    case OPT_STACK_SIZE: o->stack_size = n; break;
    case OPT_THREADS:
        o->threads = n;
        o->threads_set = true;
        break;
    case OPT_TIMEOUT: o->timeout = n; break;
    default: break;
    }
}

static void push(struct opt_list *l, const char *v)
{
    if (l->n < ARGS_MAX_REPEAT) /* args.c refuses more before this */
        l->v[l->n++] = v;
}

static void on_option(void *ctx, const struct arg_spec *spec, const char *value,
                      long long number)
{
    struct options *o = ctx;

    switch (spec->kind) {
    case ARG_FLAG: set_flag(o, spec->id); return;
    case ARG_INT: set_number(o, spec->id, number); return;
    case ARG_STRING:
        if (spec->id == OPT_ATOM_TABLE)
            o->atom_table = value;
        else if (spec->id == OPT_RULES_KEY)
            o->rules_key = value;
        return;
    case ARG_REPEAT: break;
    }
    switch (spec->id) {
    case OPT_DEFINE: push(&o->defines, value); break;
    case OPT_IDENTIFIER: push(&o->identifiers, value); break;
    case OPT_TAG: push(&o->tags, value); break;
    case OPT_MODULE_DATA: push(&o->module_data, value); break;
    default: break;
    }
}

static bool parse(const struct arg_spec *specs, size_t n_specs, int argc,
                  char **argv, struct options *o, char *err, size_t err_len)
{
    memset(o, 0, sizeof(*o));
    o->positional = calloc(argc > 0 ? (size_t)argc : 1, sizeof(char *));
    if (o->positional == NULL) {
        snprintf(err, err_len, "not enough memory");
        return false;
    }
    return args_parse(specs, n_specs, argc, argv, on_option, o, o->positional,
                      &o->n_positional, err, err_len);
}

bool options_parse_scan(int argc, char **argv, struct options *o, char *err,
                        size_t err_len)
{
    return parse(scan_specs, N_OF(scan_specs), argc, argv, o, err, err_len);
}

bool options_parse_compile(int argc, char **argv, struct options *o, char *err,
                           size_t err_len)
{
    return parse(compile_specs, N_OF(compile_specs), argc, argv, o, err,
                 err_len);
}

void options_fini(struct options *o)
{
    free(o->positional);
    o->positional = NULL;
    o->n_positional = 0;
}

void options_help_scan(FILE *f)
{
    args_print_help(scan_specs, N_OF(scan_specs), f);
}

void options_help_compile(FILE *f)
{
    args_print_help(compile_specs, N_OF(compile_specs), f);
}

bool options_split_source(const char *arg, char **ns, const char **path)
{
    const char *colon = strchr(arg, ':');
    size_t len;

    *ns = NULL;
    *path = arg;
    if (colon == NULL)
        return true;
    len = (size_t)(colon - arg);
    *ns = malloc(len + 1);
    if (*ns == NULL)
        return false;
    memcpy(*ns, arg, len);
    (*ns)[len] = '\0';
    *path = colon + 1;
    return true;
}

bool options_file_readable(const char *path)
{
    FILE *f = fopen(path, "rb");

    if (f == NULL)
        return false;
    fclose(f);
    return true;
}
