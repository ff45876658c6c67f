/*
 * scan.c - `candor scan`: load or compile the rules, then scan one file,
 * a directory (with a thread pool) or the files of a list.
 *
 * Each worker thread owns a scanner and an output buffer; everything
 * printed about one file is written as one block (output.h). The order of
 * the checks before scanning is yara's, so that with several mistakes the
 * same message comes first.
 */
#include "scan.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "candor.h"
#include "compile.h"
#include "define.h"
#include "format.h"
#include "key.h"
#include "options.h"
#include "output.h"
#include "pool.h"
#include "walk.h"

#define MAX_THREADS 32       /* yara's limit, kept for scripts */
#define STREAM_AT (1u << 20) /* a block this big is written as it grows */

/* What every worker shares; read-only while scanning. */
struct scan_env {
    const struct options *o;
    const struct candor_rules *rules;
    struct define defines[ARGS_MAX_REPEAT]; /* -d, for compiled rules */
    int n_defines;
    struct output out;
    bool name_counts; /* -c prints "FILE: N" (directories, lists) */
    struct module_input {
        char *module;     /* -x MODULE=FILE of an imported module */
        const char *path;
        uint8_t *data;
        size_t len;
        bool refused;     /* the module could not read it: warned once */
    } inputs[ARGS_MAX_REPEAT];
    int n_inputs;
};

struct worker {
    struct scan_env *env;
    struct candor_scanner *scanner;
    struct outbuf buf;
    const char *path;     /* the file being scanned */
    long long n_matching; /* matching rules in this file, for -c */
    long long n_limit;    /* matching rules in every file so far, for -l:
                             yara's counter runs across files */
    bool streaming;       /* holds the output lock for a long block */
};

static const char scan_usage[] =
    "Usage: candor scan [OPTION]... [NAMESPACE:]RULES_FILE... FILE | DIR\n";

/* yara's words for the errors a file's scan can end with. */
static const char *scan_error(enum candor_status rc)
{
    switch (rc) {
    case CANDOR_ERROR_IO: return "could not open file";
    case CANDOR_ERROR_TIMEOUT: return "scanning timed out";
    case CANDOR_ERROR_NOMEM: return "not enough memory";
    default: return candor_status_str(rc);
    }
}

/* Writes what has been gathered when it grew big, keeping the lock. */
static void stream(struct worker *w)
{
    if (w->buf.len < STREAM_AT)
        return;
    if (!w->streaming) {
        output_lock(&w->env->out);
        w->streaming = true;
    }
    output_block(&w->env->out, &w->buf);
}

static void finish_block(struct worker *w)
{
    output_block(&w->env->out, &w->buf);
    if (w->streaming) {
        output_unlock(&w->env->out);
        w->streaming = false;
    }
}

static int on_rule(struct worker *w, bool matching,
                   const struct candor_rule *rule)
{
    const struct options *o = w->env->o;

    if (candor_rule_flags(rule) & CANDOR_RULE_PRIVATE)
        return 0;
    if (!o->count_only && matching != o->negate && format_selected(o, rule)) {
        format_rule(&w->buf, o, w->scanner, rule, w->path);
        stream(w);
    }
    if (matching) {
        w->n_matching++;
        w->n_limit++;
    }
    /* -l counts matching rules, shown or not, over all files; as in yara,
       every rule reported once the limit is reached ends the file's scan,
       matching or not (so each later file shows at most its first rule,
       and only if that one is shown). */
    return o->max_rules != 0 && w->n_limit >= o->max_rules;
}

static int on_event(void *ctx, enum candor_event ev,
                    const struct candor_rule *rule,
                    const struct candor_string *string)
{
    struct worker *w = ctx;

    switch (ev) {
    case CANDOR_EVENT_RULE_MATCHING: return on_rule(w, true, rule);
    case CANDOR_EVENT_RULE_NOT_MATCHING: return on_rule(w, false, rule);
    case CANDOR_EVENT_TOO_MANY_MATCHES:
        output_warning(&w->env->out,
                       "warning: rule \"%s\": too many matches for %s, "
                       "results for this rule may be incorrect",
                       candor_rule_name(rule), candor_string_name(string));
        return 0;
    case CANDOR_EVENT_SCAN_FINISHED: break;
    }
    return 0;
}

/* -D: a module's values, printed before anything else of the file. */
static void on_module_data(void *ctx, const char *text, size_t len)
{
    struct worker *w = ctx;

    outbuf_write(&w->buf, text, len);
    stream(w);
}

/* A console module line: printed with the file's other output, before
 * its rule lines, as yara prints it while the conditions run. */
static void on_console(void *ctx, const char *text, size_t len)
{
    struct worker *w = ctx;

    outbuf_write(&w->buf, text, len);
    outbuf_putc(&w->buf, '\n');
    stream(w);
}

/*
 * Makes w's scanner with the options' settings. CANDOR_ERROR_ARGUMENT
 * means a -d value the compiled rules refuse (reported by the caller).
 */
static enum candor_status worker_init(struct worker *w, struct scan_env *env)
{
    const struct options *o = env->o;
    enum candor_status rc;
    unsigned flags = 0;

    memset(w, 0, sizeof(*w));
    w->env = env;
    outbuf_init(&w->buf);
    rc = candor_scanner_new(env->rules, &w->scanner);
    if (rc == CANDOR_OK && w->scanner == NULL)
        rc = CANDOR_ERROR_INTERNAL;
    if (rc != CANDOR_OK)
        return rc;
    candor_scanner_set_callback(w->scanner, on_event, w);
    candor_scanner_set_console(w->scanner, on_console, w);
    if (o->print_module_data)
        candor_scanner_set_module_data(w->scanner, on_module_data, w);
    for (int i = 0; i < env->n_inputs; i++) {
        struct module_input *in = &env->inputs[i];
        if (in->refused ||
            candor_scanner_set_module_input(w->scanner, in->module, in->data,
                                            in->len) != CANDOR_ERROR_FORMAT)
            continue;
        in->refused = true;
        output_warning(&env->out,
                       "warning: module %s cannot read \"%s\"; it scans as "
                       "if no data were given",
                       in->module, in->path);
    }
    if (o->fast)
        flags |= CANDOR_SCAN_FAST;
    if (o->negate || o->max_rules != 0)
        flags |= CANDOR_SCAN_REPORT_NOT_MATCHING;
    if (!o->print_strings && !o->print_lengths)
        flags |= CANDOR_SCAN_RULES_ONLY;
    candor_scanner_set_flags(w->scanner, flags);
    if (o->timeout > 0)
        candor_scanner_set_timeout(w->scanner, o->timeout > UINT_MAX
                                                   ? UINT_MAX
                                                   : (unsigned)o->timeout);
    for (int i = 0; i < env->n_defines && rc == CANDOR_OK; i++) {
        if (env->defines[i].name[0] != '\0')
            rc = define_in_scanner(&env->defines[i], w->scanner);
    }
    return rc;
}

static void worker_fini(struct worker *w)
{
    candor_scanner_free(w->scanner);
    outbuf_fini(&w->buf);
}

/* Scans one file and prints its block, then its error if any. */
static enum candor_status scan_one(struct worker *w, const char *path)
{
    const struct options *o = w->env->o;
    enum candor_status rc;

    w->path = path;
    w->n_matching = 0;
    outbuf_clear(&w->buf);
    rc = candor_scanner_scan_file(w->scanner, path);
    if (rc == CANDOR_ERROR_CALLBACK) /* stopped by -l */
        rc = CANDOR_OK;
    if (o->count_only && w->env->name_counts)
        outbuf_printf(&w->buf, "%s: %lld\n", path, w->n_matching);
    else if (o->count_only && rc == CANDOR_OK)
        outbuf_printf(&w->buf, "%lld\n", w->n_matching);
    if (w->buf.failed && rc == CANDOR_OK)
        rc = CANDOR_ERROR_NOMEM;
    finish_block(w);
    if (rc != CANDOR_OK)
        output_error(&w->env->out, "error scanning %s: %s", path,
                     scan_error(rc));
    return rc;
}

static void pool_job(void *ctx, const char *path)
{
    scan_one(ctx, path);
}

static bool push_path(void *ctx, char *path)
{
    pool_push(ctx, path);
    return true;
}

/* -p, else the CPUs this process may run on (at most MAX_THREADS). */
static int thread_count(const struct options *o)
{
    cpu_set_t set;
    long n = sched_getaffinity(0, sizeof(set), &set) == 0
                 ? CPU_COUNT(&set)
                 : sysconf(_SC_NPROCESSORS_ONLN);

    if (o->threads_set && o->threads > 0)
        return (int)o->threads; /* at most MAX_THREADS: checked earlier */
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

/* A "PID" target: all digits, above 0, and no such file. */
static bool looks_like_pid(const char *s)
{
    size_t n = strspn(s, "0123456789");

    return n > 0 && s[n] == '\0' && strtol(s, NULL, 10) > 0;
}

/*
 * --scan-list: each line (without its '\n'; nothing else is trimmed, an
 * empty line is a path too) is a file, or a directory walked as the
 * target would be. -z applies only inside directories, as in yara. A line
 * longer than PATH_MAX is reported and skipped.
 */
static int scan_list(struct scan_env *env, const char *list,
                     const struct walk_opts *wo, struct pool *pool)
{
    struct stat st;
    char line[PATH_MAX + 2]; /* a path, its '\n' and the NUL */
    long n_line = 0;
    FILE *f;

    if (stat(list, &st) == 0 && S_ISDIR(st.st_mode)) {
        output_error(&env->out, "error: cannot use a directory as scan list.");
        return 1;
    }
    f = fopen(list, "r");
    if (f == NULL) {
        output_error(&env->out, "error: could not open file \"%s\".", list);
        return 1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        size_t len = strlen(line);
        char *path;
        n_line++;
        if (len > 0 && line[len - 1] == '\n') {
            line[len - 1] = '\0';
        } else if (!feof(f)) {
            output_error(&env->out, "error: %s, line %ld: longer than a path",
                         list, n_line);
            for (int c = getc(f); c != EOF && c != '\n'; c = getc(f))
                continue;
            continue;
        }
        if (stat(line, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk_dir(line, wo, push_path, pool, &env->out);
            continue;
        }
        path = strdup(line);
        if (path == NULL) {
            output_error(&env->out, "error: not enough memory");
            break;
        }
        pool_push(pool, path);
    }
    fclose(f);
    return 0;
}

/*
 * Scans every target of a directory walk or a list with a pool whose
 * first worker is w0 (already made); makes the others.
 */
static int scan_many(struct scan_env *env, struct worker *w0,
                     const char *target)
{
    const struct options *o = env->o;
    struct walk_opts wo = {o->recursive, !o->no_follow, o->skip_larger};
    int n = thread_count(o), made = 1, rc = 0;
    struct worker *workers = calloc((size_t)n, sizeof(*workers));
    void *ctx[MAX_THREADS];
    struct pool *pool = NULL;
    enum candor_status st = workers == NULL ? CANDOR_ERROR_NOMEM : CANDOR_OK;

    env->name_counts = true;
    ctx[0] = w0;
    for (; st == CANDOR_OK && made < n; made++) {
        st = worker_init(&workers[made], env);
        ctx[made] = &workers[made];
    }
    if (st == CANDOR_OK)
        st = pool_new(n, pool_job, ctx, &pool);
    if (st != CANDOR_OK) {
        fprintf(stderr, "error: %s\n", candor_status_str(st));
        rc = 1;
    } else if (!o->scan_list) {
        walk_dir(target, &wo, push_path, pool, &env->out);
    } else {
        rc = scan_list(env, target, &wo, pool);
    }
    if (pool != NULL)
        pool_free(pool);
    for (int i = 1; i < made && workers != NULL; i++)
        worker_fini(&workers[i]);
    free(workers);
    return rc;
}

/* One file given as the target: yara's exit code is 1 when it fails. */
static int scan_single(struct worker *w, const char *target)
{
    struct stat st;

    if (stat(target, &st) != 0) {
        if (looks_like_pid(target)) {
            output_error(&w->env->out,
                         "error scanning %s: candor does not scan processes, "
                         "only files and directories",
                         target);
            return 1;
        }
    } else if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        /* Never opened: opening a FIFO waits for a writer. */
        output_error(&w->env->out, "error scanning %s: %s", target,
                     scan_error(CANDOR_ERROR_IO));
        return 1;
    }
    return scan_one(w, target) == CANDOR_OK ? 0 : 1;
}

/* Reads a whole -x file (at most 1 GiB); NULL on failure. */
static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t cap = 0, n = 0, got;

    if (f == NULL)
        return NULL;
    do {
        if (n == cap) {
            uint8_t *more;
            cap = cap ? cap * 2 : 65536;
            if (cap > (1u << 30) || (more = realloc(data, cap)) == NULL) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = more;
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    if (ferror(f)) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = n;
    return data;
}

/* -x data of the modules the rules import, read once for every scanner. */
static bool load_module_inputs(struct scan_env *env)
{
    const struct options *o = env->o;

    for (int i = 0; i < o->module_data.n; i++) {
        const char *arg = o->module_data.v[i], *eq = strchr(arg, '=');
        struct module_input *in = &env->inputs[env->n_inputs];
        if (eq == NULL || env->n_inputs == ARGS_MAX_REPEAT)
            continue;
        in->module = strndup(arg, (size_t)(eq - arg));
        if (in->module == NULL)
            return false;
        if (!candor_rules_imports(env->rules, in->module)) {
            free(in->module);
            continue;
        }
        in->path = eq + 1;
        if ((in->data = read_file(in->path, &in->len)) == NULL) {
            fprintf(stderr, "error: could not open file \"%s\".\n", in->path);
            free(in->module);
            return false;
        }
        env->n_inputs++;
    }
    return true;
}

/* -x MODULE=FILE: checked as yara does before anything else. */
static bool check_module_data(const struct options *o)
{
    for (int i = 0; i < o->module_data.n; i++) {
        const char *eq = strchr(o->module_data.v[i], '=');
        if (eq == NULL) {
            fprintf(stderr, "error: wrong syntax for `-x` option.\n");
            return false;
        }
        if (!options_file_readable(eq + 1)) {
            fprintf(stderr, "error: could not open file \"%s\".\n", eq + 1);
            return false;
        }
    }
    return true;
}

/* yara's words for a compiled-rules file it cannot load. */
static const char *load_error(enum candor_status rc)
{
    switch (rc) {
    case CANDOR_ERROR_IO: return "could not open file";
    case CANDOR_ERROR_FORMAT: return "invalid compiled rules file.";
    case CANDOR_ERROR_NOMEM: return "not enough memory";
    default: return candor_status_str(rc);
    }
}

static struct candor_rules *load_compiled(const struct options *o)
{
    struct candor_rules *rules = NULL;
    struct rules_key key;
    enum candor_status rc;

    if (o->n_positional > 2) {
        fprintf(stderr, "error: can't accept multiple rules files if one of "
                        "them is in compiled form.\n");
        return NULL;
    }
    if (!key_get(o->rules_key, false, true, &key))
        return NULL;
    rc = candor_rules_load(o->positional[0], key.len ? key.bytes : NULL,
                           key.len, &rules);
    if (rc == CANDOR_OK && rules == NULL)
        rc = CANDOR_ERROR_INTERNAL;
    if (rc != CANDOR_OK) {
        fprintf(stderr, "%s\n", load_error(rc));
        return NULL;
    }
    return rules;
}

static struct candor_rules *get_rules(const struct options *o)
{
    struct candor_rules *rules = NULL;

    if (o->compiled)
        return load_compiled(o);
    if (o->atom_table != NULL && !options_file_readable(o->atom_table)) {
        fprintf(stderr, "error loading atom quality table: could not open "
                        "file\n");
        return NULL;
    }
    if (compile_sources(o, o->positional, o->n_positional - 1, &rules) !=
        CANDOR_OK)
        return NULL;
    return rules;
}

/*
 * -d with compiled rules: given to every scanner. As with sources, the
 * first definition without '=' is reported and ends the list.
 */
static bool parse_defines(struct scan_env *env)
{
    const struct options *o = env->o;

    for (int i = 0; o->compiled && i < o->defines.n; i++) {
        enum candor_status rc =
            define_parse(o->defines.v[i], &env->defines[env->n_defines]);
        if (rc == CANDOR_ERROR_ARGUMENT) {
            fprintf(stderr, "error: wrong syntax for `-d` option.\n");
            break;
        }
        if (rc != CANDOR_OK) {
            fprintf(stderr, "error: %s\n", candor_status_str(rc));
            return false;
        }
        env->n_defines++;
    }
    return true;
}

static int scan_with(struct scan_env *env)
{
    const struct options *o = env->o;
    const char *target = o->positional[o->n_positional - 1];
    struct worker w0;
    struct stat st;
    enum candor_status rc;
    int ret;

    if (!parse_defines(env))
        return 1;
    rc = worker_init(&w0, env);
    if (rc != CANDOR_OK) {
        if (rc == CANDOR_ERROR_ARGUMENT)
            fprintf(stderr, "invalid type for external variable\n");
        else
            fprintf(stderr, "error: %s\n", candor_status_str(rc));
        worker_fini(&w0);
        return 1;
    }
    if (o->print_stats)
        format_stats(stdout, env->rules);
    if (o->scan_list || (stat(target, &st) == 0 && S_ISDIR(st.st_mode)))
        ret = scan_many(env, &w0, target);
    else
        ret = scan_single(&w0, target);
    worker_fini(&w0);
    return ret;
}

static int run(const struct options *o)
{
    struct scan_env env;
    int ret;

    if (!check_module_data(o))
        return 1;
    memset(&env, 0, sizeof(env));
    env.o = o;
    env.rules = get_rules(o);
    if (env.rules == NULL)
        return 1;
    output_init(&env.out, o->no_warnings);
    ret = load_module_inputs(&env) ? scan_with(&env) : 1;
    fflush(stdout);
    if (env.out.write_failed || ferror(stdout)) {
        fprintf(stderr, "error: could not write the output: %s\n",
                strerror(errno));
        ret = 1;
    }
    output_fini(&env.out);
    for (int i = 0; i < env.n_defines; i++)
        define_fini(&env.defines[i]);
    for (int i = 0; i < env.n_inputs; i++) {
        free(env.inputs[i].module);
        free(env.inputs[i].data);
    }
    candor_rules_free((struct candor_rules *)env.rules);
    return ret;
}

static void help(void)
{
    printf("candor scan %s: scan files with YARA rules, as `yara` does.\n%s\n",
           CANDOR_VERSION, scan_usage);
    options_help_scan(stdout);
    printf("\nThe options, output and exit codes are yara 4.2.3's; see "
           "docs/cli.md.\n");
}

int scan_main(int argc, char **argv)
{
    struct options o;
    char err[512];
    int rc = 0;

    if (!options_parse_scan(argc, argv, &o, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        rc = 1;
    } else if (o.version) {
        printf("%s\n", CANDOR_VERSION);
    } else if (o.help) {
        help();
    } else if (o.threads_set && o.threads > MAX_THREADS) {
        fprintf(stderr, "maximum number of threads is %d\n", MAX_THREADS);
        rc = 1;
    } else if (o.n_positional < 2) {
        fprintf(stderr,
                "candor scan: wrong number of arguments\n%s\n"
                "Try `--help` for more options\n",
                scan_usage);
        rc = 1;
    } else {
        rc = run(&o);
    }
    options_fini(&o);
    return rc;
}
