/*
 * audit.c - `candor audit`: the options, the rules (compiled as `candor
 * scan` compiles them, or loaded with -C), the products (files, or
 * directories walked without following links) and the exit code.
 */
#include "audit.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/extract.h"
#include "candor.h"
#include "compile.h"
#include "options.h"
#include "output.h"
#include "progress.h"
#include "report/report.h"
#include "report/sarif.h"
#include "walk.h"

#ifndef CANDOR_DEFAULT_RULES
#define CANDOR_DEFAULT_RULES "demo/rules/demo.yar"
#endif

#define MAX_RULE_FILES 256
#define MAX_THREADS 32 /* as candor scan */
#define MAX_THREADS_S "32"

struct audit_opts {
    char *rules[MAX_RULE_FILES]; /* [NS:]PATH, pointers into argv */
    int n_rules;
    const char *compiled; /* -C */
    const char *sarif;    /* --sarif FILE, or NULL */
    const char *extract;  /* --extract DIR */
    int threads; /* 0: the CPUs */
    bool json;
    bool fail_on_set;
    enum finding_severity fail_on;
    struct audit_limits limits;
};

static const char audit_usage[] =
    "Usage: candor audit [--rules [NS:]RULES_FILE]... [-C COMPILED] "
    "[--json]\n"
    "                    [--sarif FILE] [--fail-on SEVERITY] [--extract DIR]\n"
    "                    [-p THREADS] [LIMITS] PRODUCT...\n";

static void help(void)
{
    printf("candor audit %s: unpack products recursively and scan every "
           "file inside.\n%s\n",
           CANDOR_VERSION, audit_usage);
    printf(
        "  -r, --rules [NS:]FILE    YARA rules (repeatable; default: %s)\n"
        "  -C, --compiled FILE      rules compiled by `candor compile`\n"
        "      --json               JSON Lines on stdout\n"
        "      --sarif FILE         also a SARIF 2.1.0 log to FILE\n"
        "      --fail-on SEVERITY   exit 1 when a finding is at least "
        "SEVERITY\n"
        "                           (info, low, medium, high, critical)\n"
        "      --extract DIR        write every unpacked file under DIR "
        "(new or empty;\n"
        "                           the audit then runs in one thread)\n"
        "  -p, --threads N          threads (default: the CPUs, at most %d)\n"
        "      --max-depth N        containers inside containers (32)\n"
        "      --max-total-bytes N  bytes unpacked per product (4G)\n"
        "      --max-entry-bytes N  bytes read of one entry (256M)\n"
        "      --max-ratio N        entry size / container size (1000)\n"
        "      --max-files N        entries per product (1000000)\n"
        "      --timeout SECONDS    per product (0: none)\n"
        "Sizes take K, M or G (powers of 1024). Exit: 0, 1 for --fail-on, "
        "2 on usage\nerrors and unreadable rules. See docs/audit.md.\n",
        CANDOR_DEFAULT_RULES, MAX_THREADS);
}

/* A count or a size with an optional K, M or G; false if malformed. */
static bool parse_number(const char *s, bool size, uint64_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0)
        return false;
    if (size && *end != '\0' && end[1] == '\0') {
        const char *units = "KMG", *u = strchr(units, *end & ~0x20);
        if (u == NULL || *u == '\0')
            return false;
        shift = 10u * (unsigned)(u - units + 1);
        end++;
    }
    if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

enum { OPT_JSON = 256, OPT_SARIF, OPT_FAIL_ON, OPT_DEPTH, OPT_TOTAL, OPT_ENTRY,
       OPT_RATIO, OPT_FILES, OPT_TIMEOUT, OPT_EXTRACT };

/* A limit option's value into its field; false if malformed. */
static bool set_limit(struct audit_opts *o, int opt, const char *arg)
{
    struct audit_limits *l = &o->limits;
    uint64_t v;

    if (!parse_number(arg, opt == OPT_TOTAL || opt == OPT_ENTRY, &v))
        return false;
    switch (opt) {
    case OPT_DEPTH: l->max_depth = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
        break;
    case OPT_TOTAL: l->max_total_bytes = v; break;
    case OPT_ENTRY: l->max_entry_bytes = v; break;
    case OPT_RATIO: l->max_ratio = v; break;
    case OPT_FILES: l->max_files = v; break;
    case OPT_TIMEOUT: l->timeout = v > 86400u * 365 ? 86400u * 365
                                                   : (unsigned)v;
        break;
    default: return false;
    }
    return true;
}

/* Parses argv; 0 to run, 2 on a usage error, -1 after --help. */
static int parse(int argc, char **argv, struct audit_opts *o)
{
    static const struct option longs[] = {
        {"rules", required_argument, NULL, 'r'},
        {"compiled", required_argument, NULL, 'C'},
        {"json", no_argument, NULL, OPT_JSON},
        {"sarif", required_argument, NULL, OPT_SARIF},
        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"max-depth", required_argument, NULL, OPT_DEPTH},
        {"max-total-bytes", required_argument, NULL, OPT_TOTAL},
        {"max-entry-bytes", required_argument, NULL, OPT_ENTRY},
        {"max-ratio", required_argument, NULL, OPT_RATIO},
        {"max-files", required_argument, NULL, OPT_FILES},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"extract", required_argument, NULL, OPT_EXTRACT},
        {"threads", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    audit_limits_default(&o->limits);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "r:C:p:h", longs, NULL)) != -1) {
        const char *bad = NULL;
        switch (c) {
        case 'r':
            if (o->n_rules == MAX_RULE_FILES)
                bad = "too many --rules";
            else
                o->rules[o->n_rules++] = optarg;
            break;
        case 'C': o->compiled = optarg; break;
        case 'p': {
            uint64_t v;
            if (!parse_number(optarg, false, &v) || v < 1 || v > MAX_THREADS)
                bad = "-p takes a number of threads from 1 to " MAX_THREADS_S;
            else
                o->threads = (int)v;
            break;
        }
        case 'h': help(); return -1;
        case OPT_JSON: o->json = true; break;
        case OPT_SARIF: o->sarif = optarg; break;
        case OPT_EXTRACT: o->extract = optarg; break;
        case OPT_FAIL_ON:
            o->fail_on_set = true;
            if (!finding_severity_parse(optarg, strlen(optarg), &o->fail_on))
                bad = "--fail-on takes info, low, medium, high or critical";
            break;
        case '?': bad = "unknown option or missing value"; break;
        default:
            if (!set_limit(o, c, optarg))
                bad = "a limit takes a whole number (sizes: K, M or G)";
            break;
        }
        if (bad != NULL) {
            fprintf(stderr, "candor audit: %s\n%s", bad, audit_usage);
            return 2;
        }
    }
    if (optind >= argc || (o->compiled != NULL && o->n_rules > 0)) {
        fprintf(stderr, "candor audit: %s\n%s",
                optind >= argc ? "no product given"
                               : "-C and --rules do not go together",
                audit_usage);
        return 2;
    }
    return 0;
}

static struct candor_rules *get_rules(struct audit_opts *o)
{
    struct candor_rules *rules = NULL;
    struct options copts;
    char default_rules[] = CANDOR_DEFAULT_RULES;
    char *sources[1] = {default_rules};
    enum candor_status rc;

    if (o->compiled != NULL) {
        rc = candor_rules_load(o->compiled, NULL, 0, &rules);
        if (rc != CANDOR_OK)
            fprintf(stderr, "error: %s: %s\n", o->compiled,
                    candor_status_str(rc));
        return rc == CANDOR_OK ? rules : NULL;
    }
    memset(&copts, 0, sizeof(copts));
    if (o->n_rules == 0)
        rc = compile_sources(&copts, sources, 1, &rules);
    else
        rc = compile_sources(&copts, o->rules, o->n_rules, &rules);
    return rc == CANDOR_OK ? rules : NULL;
}

struct walk_ctx {
    struct audit *audit;
    enum candor_status rc;
};

static bool on_file(void *ctx, char *path)
{
    struct walk_ctx *w = ctx;

    if (w->rc == CANDOR_OK)
        w->rc = audit_file(w->audit, path);
    free(path);
    return w->rc == CANDOR_OK;
}

/* Products are walked without following links. */
static const struct walk_opts product_walk = {.recursive = true,
                                              .follow = false};

/* Audits each product; only running out of memory stops the run. */
static enum candor_status audit_all(struct audit *a, char **products, int n)
{
    struct walk_ctx w = {a, CANDOR_OK};
    struct output out;

    output_init(&out, false);
    for (int i = 0; i < n && w.rc == CANDOR_OK; i++) {
        struct stat st;
        if (stat(products[i], &st) == 0 && S_ISDIR(st.st_mode))
            walk_dir(products[i], &product_walk, on_file, &w, &out);
        else
            w.rc = audit_file(a, products[i]);
    }
    output_fini(&out);
    return w.rc;
}

static bool count_file(void *ctx, char *path)
{
    (*(uint64_t *)ctx)++;
    free(path);
    return true;
}

/* The products audit_all will meet, for the progress line. */
static uint64_t count_products(char **products, int n)
{
    uint64_t count = 0;
    struct output out;

    output_init(&out, true); /* audit_all gives the warnings */
    for (int i = 0; i < n; i++) {
        struct stat st;
        if (stat(products[i], &st) == 0 && S_ISDIR(st.st_mode))
            walk_dir(products[i], &product_walk, count_file, &count, &out);
        else
            count++;
    }
    output_fini(&out);
    return count;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Opens --sarif's file and its writer; false (after a message) if not. */
static bool sarif_open(const char *path, FILE **file, struct sarif **sarif)
{
    *file = fopen(path, "w");
    if (*file == NULL) {
        fprintf(stderr, "error: %s: %s\n", path, strerror(errno));
        return false;
    }
    *sarif = sarif_new(*file, CANDOR_VERSION);
    if (*sarif == NULL) {
        fclose(*file);
        fprintf(stderr, "error: %s\n", candor_status_str(CANDOR_ERROR_NOMEM));
        return false;
    }
    return true;
}

/* Ends the SARIF log; false (after a message) if it could not be written. */
static bool sarif_close(const char *path, FILE *file, struct sarif *sarif,
                        bool successful)
{
    bool ok = sarif_finish(sarif, successful);

    sarif_free(sarif);
    if (fclose(file) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "error: %s: could not write the SARIF log\n", path);
    return ok;
}

/* -p, else the CPUs this process may run on. */
static int thread_count(const struct audit_opts *o)
{
    cpu_set_t set;
    long n = sched_getaffinity(0, sizeof(set), &set) == 0
                 ? CPU_COUNT(&set)
                 : sysconf(_SC_NPROCESSORS_ONLN);

    if (o->threads > 0)
        return o->threads;
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

static bool open_extract(const struct audit_opts *o, struct extract **x)
{
    char msg[512];
    enum candor_status rc = extract_new(o->extract, x, msg, sizeof(msg));

    if (rc != CANDOR_OK)
        fprintf(stderr, "error: --extract %s\n",
                rc == CANDOR_ERROR_IO ? msg : candor_status_str(rc));
    return rc == CANDOR_OK;
}

static int run(struct audit_opts *o, char **products, int n)
{
    struct candor_rules *rules = get_rules(o);
    struct audit *audit = NULL;
    struct extract *extract = NULL;
    struct report report;
    struct progress progress;
    FILE *sarif_file = NULL;
    enum candor_status rc;
    double start = now();
    int ret = 0;

    if (rules == NULL || (o->extract != NULL && !open_extract(o, &extract))) {
        candor_rules_free(rules);
        return 2;
    }
    report_init(&report, stdout, o->json);
    if (o->sarif != NULL &&
        !sarif_open(o->sarif, &sarif_file, &report.sarif)) {
        report_fini(&report);
        extract_free(extract);
        candor_rules_free(rules);
        return 2;
    }
    if (progress_wanted()) {
        progress_init(&progress, &report.totals, count_products(products, n));
        report.on_record = progress_on_record;
        report.on_record_ctx = &progress;
    }
    rc = audit_new(rules, &o->limits, extract != NULL ? 1 : thread_count(o),
                   &report, &audit);
    if (rc == CANDOR_OK) {
        enum candor_status waited;
        audit_set_extract(audit, extract);
        rc = audit_all(audit, products, n);
        waited = audit_wait(audit);
        if (rc == CANDOR_OK)
            rc = waited;
    }
    if (report.on_record != NULL)
        progress_end(&progress);
    report_summary(&report, now() - start);
    if (rc != CANDOR_OK) {
        fprintf(stderr, "error: %s\n", candor_status_str(rc));
        ret = 2;
    } else if (report.write_failed) {
        fprintf(stderr, "error: could not write the report\n");
        ret = 2;
    } else if (o->fail_on_set && report_has_at_least(&report, o->fail_on)) {
        ret = 1;
    }
    if (report.sarif != NULL &&
        !sarif_close(o->sarif, sarif_file, report.sarif, ret != 2))
        ret = 2;
    audit_free(audit);
    extract_free(extract);
    report_fini(&report);
    candor_rules_free(rules);
    return ret;
}

int audit_main(int argc, char **argv)
{
    struct audit_opts o;
    int rc = parse(argc, argv, &o);

    if (rc != 0)
        return rc < 0 ? 0 : rc;
    return run(&o, argv + optind, argc - optind);
}
