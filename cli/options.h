/*
 * options.h - the options of `candor scan` (yara's) and `candor compile`
 * (yarac's), parsed into one struct: no globals.
 *
 * Parsing follows args.h (yara's quirks). Values that are strings point
 * into argv; positional is a heap array of pointers into argv, freed by
 * options_fini.
 */
#ifndef CANDOR_CLI_OPTIONS_H
#define CANDOR_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "args.h"

/* A list of values of a repeatable option (-d, -i, -t, -x). */
struct opt_list {
    const char *v[ARGS_MAX_REPEAT];
    int n;
};

struct options {
    bool compiled;          /* -C */
    bool count_only;        /* -c */
    bool fail_on_warnings;  /* --fail-on-warnings */
    bool fast;              /* -f */
    bool help;              /* -h */
    bool negate;            /* -n */
    bool no_follow;         /* -N */
    bool no_warnings;       /* -w */
    bool print_meta;        /* -m */
    bool print_module_data; /* -D (accepted; modules come later) */
    bool print_namespace;   /* -e */
    bool print_stats;       /* -S */
    bool print_strings;     /* -s */
    bool print_lengths;     /* -L */
    bool print_tags;        /* -g */
    bool recursive;         /* -r */
    bool scan_list;         /* --scan-list */
    bool version;           /* -v */
    const char *atom_table; /* --atom-quality-table (checked, not used) */
    const char *rules_key;  /* --rules-key: key file for compiled rules */
    long long max_rules;    /* -l, 0: no limit */
    long long max_strings;  /* --max-strings-per-rule, when set */
    bool max_strings_set;
    long long skip_larger; /* -z, <= 0: no limit */
    long long stack_size;  /* -k (accepted, not used) */
    long long threads;     /* -p, when set */
    bool threads_set;
    long long timeout;           /* -a, <= 0: no limit */
    long long max_chunk;         /* --max-process-memory-chunk (not used) */
    struct opt_list defines;     /* -d */
    struct opt_list identifiers; /* -i */
    struct opt_list tags;        /* -t */
    struct opt_list module_data; /* -x */
    char **positional;
    int n_positional;
};

/*
 * Parse argv (argv[0] is the command's name) for `candor scan` or
 * `candor compile`. False on a usage error, with the message (yara's text,
 * without newline) in err. Either way o must be freed with options_fini.
 */
bool options_parse_scan(int argc, char **argv, struct options *o, char *err,
                        size_t err_len);
bool options_parse_compile(int argc, char **argv, struct options *o, char *err,
                           size_t err_len);
void options_fini(struct options *o);

void options_help_scan(FILE *f);
void options_help_compile(FILE *f);

/*
 * Splits a rules argument "NS:PATH" at its first ':' (yara does not look
 * whether the whole argument names a file). *ns is a new string or NULL
 * when there is no ':'; *path points into arg. False when out of memory.
 */
bool options_split_source(const char *arg, char **ns, const char **path);

/* Whether path can be opened for reading (yara checks files this way). */
bool options_file_readable(const char *path);

#endif
