/* audit.c - see audit.h. */
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/extract.h"
#include "base/buf.h"
#include "base/digest.h"
#include "base/mem.h"
#include "unpack/carve.h"
#include "unpack/unpack.h"

#define TEXT_MAX (1u << 20) /* evidence, rule names, limit messages */
#define MAX_FAILED_ENTRIES 100 /* unreadable headers before giving up */
#define MAX_CANDIDATES 10000   /* carving candidates tried per file */

/*
 * The output in order. Every record (finding, file, layout) is appended
 * to the list of the job that made it; a job handed to another thread
 * leaves a REC_LIST in its parent's list where its records belong. The
 * records are written in list order as soon as everything before them
 * was (flush), so the report is the same with any number of threads.
 */
enum rec_type { REC_FINDING, REC_FILE, REC_LAYOUT, REC_LIST };

struct rlist {
    struct rec *head, *tail;
    struct rlist *parent; /* where flush goes back to when this is done */
    bool done;            /* its job will append nothing more */
};

struct rec {
    struct rec *next;
    enum rec_type type;
    union {
        struct finding finding;
        struct report_file file;
        struct report_layout layout;
        struct rlist *list;
    } u;
    char strings[]; /* the copies the record points at */
};

/* A product being audited: what its jobs share. */
struct product {
    double deadline;
    _Atomic uint64_t bytes, files;
    atomic_bool stopped; /* a product-wide limit was hit: nothing more
                            is read */
    atomic_uint refs;    /* its jobs, queued or running, and its owner */
    void *map;           /* the product's mapping (audit_file), or NULL */
    size_t map_len;
};

/* What one thread needs to audit: its own scanner and carver. */
struct worker {
    struct audit *a;
    struct candor_scanner *scanner;
    struct carver *carver;
    struct buf text; /* the evidence or message of the finding being made */
    struct buf name; /* "namespace:rule" */
    /* The job being run. */
    struct product *p;
    struct rlist *out;
    const char *vpath; /* the file being scanned, for the callback */
    pthread_t thread;
    bool started;
};

/* A file to audit in another thread (or a product). */
struct job {
    struct job *next;
    struct product *p;
    struct rlist *out;
    char *vpath;
    uint8_t *data; /* owned; NULL for a product, which maps its own */
    size_t len;
    uint32_t depth;
    struct stat st; /* a product's */
    bool is_product;
};

struct audit {
    struct audit_limits lim;
    const struct candor_rules *rules;
    struct report *report;
    struct extract *extract; /* --extract DIR, or NULL */
    struct worker *workers;  /* [0] is the caller's */
    int n_workers;
    /* The queue of jobs waiting for a thread. */
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a job was queued, or closing */
    pthread_cond_t idle; /* a job finished */
    struct job *queue, *queue_tail;
    size_t n_queued, n_running;
    uint64_t queued_bytes;
    bool closing;
    /* The output, under out_lock. */
    pthread_mutex_t out_lock;
    struct rlist top;   /* the products, in the order given */
    struct rlist *cur;  /* where flush stands */
    _Atomic int rc;     /* the first failure of a job (out of memory) */
};

/* At most so many jobs and bytes wait in the queue; past them the thread
   that found a file audits it itself, so memory stays bounded. */
#define QUEUE_PER_THREAD 64
#define QUEUE_BYTES (256u << 20)

void audit_limits_default(struct audit_limits *l)
{
    l->max_depth = 32;
    l->max_total_bytes = 4ull << 30;
    l->max_entry_bytes = 256ull << 20;
    l->max_ratio = 1000;
    l->max_files = 1000000;
    l->timeout = 0;
}

/* --- the output in order ------------------------------------------- */

/* Records the first failure of any job. */
static void fail(struct audit *a, enum candor_status rc)
{
    int ok = CANDOR_OK;

    if (rc != CANDOR_OK)
        atomic_compare_exchange_strong(&a->rc, &ok, (int)rc);
}

static void rec_free(struct rec *r)
{
    if (r->type == REC_LAYOUT)
        mem_free((void *)r->u.layout.ranges);
    mem_free(r);
}

static void emit(struct audit *a, struct rec *r)
{
    switch (r->type) {
    case REC_FINDING: report_finding(a->report, &r->u.finding); break;
    case REC_FILE: report_file(a->report, &r->u.file); break;
    case REC_LAYOUT: report_layout(a->report, &r->u.layout); break;
    case REC_LIST: break;
    }
}

/* Writes every record whose turn has come; under out_lock. */
static void flush(struct audit *a)
{
    for (;;) {
        struct rlist *l = a->cur;
        struct rec *r = l->head;
        if (r == NULL) {
            if (!l->done || l->parent == NULL)
                return;
            a->cur = l->parent;
            mem_free(l);
            continue;
        }
        l->head = r->next;
        if (l->head == NULL)
            l->tail = NULL;
        if (r->type == REC_LIST)
            a->cur = r->u.list;
        else
            emit(a, r);
        rec_free(r);
    }
}

static void append(struct rlist *l, struct rec *r)
{
    r->next = NULL;
    if (l->tail != NULL)
        l->tail->next = r;
    else
        l->head = r;
    l->tail = r;
}

/* Adds r to the worker's output, and writes what can be written. */
static void out_add(struct worker *w, struct rec *r)
{
    struct audit *a = w->a;

    if (r == NULL) {
        fail(a, CANDOR_ERROR_NOMEM);
        return;
    }
    pthread_mutex_lock(&a->out_lock);
    append(w->out, r);
    flush(a);
    pthread_mutex_unlock(&a->out_lock);
}

/* The totals the report keeps that only the audit knows. */
static void totals_add(struct audit *a, uint64_t products, uint64_t containers,
                       uint64_t bytes)
{
    pthread_mutex_lock(&a->out_lock);
    a->report->totals.products += products;
    a->report->totals.containers += containers;
    a->report->totals.bytes += bytes;
    pthread_mutex_unlock(&a->out_lock);
}

static size_t str_size(const char *s)
{
    return s != NULL ? strlen(s) + 1 : 0;
}

/* Copies s to *at and moves *at past it; NULL stays NULL. */
static const char *put(char **at, const char *s)
{
    char *p = *at;
    size_t n = str_size(s);

    if (s == NULL)
        return NULL;
    memcpy(p, s, n);
    *at += n;
    return p;
}

static struct rec *rec_new(enum rec_type type, size_t strings)
{
    struct rec *r = mem_alloc(sizeof(*r) + strings);

    if (r != NULL) {
        memset(r, 0, sizeof(*r));
        r->type = type;
    }
    return r;
}

static void add_finding(struct worker *w, const struct finding *f)
{
    struct rec *r = rec_new(REC_FINDING, str_size(f->rule) +
                                             str_size(f->vpath) +
                                             str_size(f->evidence));
    char *at;

    if (r != NULL) {
        at = r->strings;
        r->u.finding = *f;
        r->u.finding.rule = put(&at, f->rule);
        r->u.finding.vpath = put(&at, f->vpath);
        r->u.finding.evidence = put(&at, f->evidence);
    }
    out_add(w, r);
}

static void add_file(struct worker *w, const struct report_file *f)
{
    struct rec *r = rec_new(REC_FILE, str_size(f->vpath) + str_size(f->link) +
                                          (f->sha256 ? DIGEST_SHA256_LEN : 0));
    char *at;

    if (r != NULL) {
        at = r->strings;
        r->u.file = *f;
        r->u.file.vpath = put(&at, f->vpath);
        r->u.file.link = put(&at, f->link);
        if (f->sha256 != NULL) {
            memcpy(at, f->sha256, DIGEST_SHA256_LEN);
            r->u.file.sha256 = (uint8_t *)at;
        }
    }
    out_add(w, r);
}

static void add_layout(struct worker *w, const struct report_layout *l)
{
    struct rec *r = rec_new(REC_LAYOUT, str_size(l->vpath));
    struct report_range *ranges = NULL;
    char *at;

    if (r != NULL && l->n_ranges > 0) {
        ranges = mem_realloc_array(NULL, l->n_ranges, sizeof(*ranges));
        if (ranges == NULL) {
            mem_free(r);
            r = NULL;
        }
    }
    if (r != NULL) {
        at = r->strings;
        r->u.layout = *l;
        r->u.layout.vpath = put(&at, l->vpath);
        if (ranges != NULL)
            memcpy(ranges, l->ranges, l->n_ranges * sizeof(*ranges));
        r->u.layout.ranges = ranges;
    }
    out_add(w, r);
}

/* A finding of kind LIMIT or UNPACK_ERROR; text is its evidence. */
static void problem(struct worker *w, enum finding_kind kind,
                    const char *rule, const char *vpath, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));

static void problem(struct worker *w, enum finding_kind kind,
                    const char *rule, const char *vpath, const char *fmt, ...)
{
    struct finding f = {
        .kind = kind,
        .rule = rule,
        .category = kind == FINDING_LIMIT ? "limit" : "unpack",
        .severity = kind == FINDING_LIMIT ? SEVERITY_MEDIUM : SEVERITY_LOW,
        .vpath = vpath,
    };
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    f.evidence = text;
    add_finding(w, &f);
}

/* Sets the product's stop flag; true for the one caller that set it. */
static bool stop_product(struct product *p)
{
    return !atomic_exchange(&p->stopped, true);
}

static bool stopped(const struct worker *w)
{
    return atomic_load(&w->p->stopped);
}

/*
 * The earliest match of the rule's visible strings into *best (a copy: the
 * scanner reuses the array of each answer); false when none matched.
 */
static bool first_match(struct worker *w, const struct candor_rule *rule,
                        const struct candor_string **s,
                        struct candor_match *best)
{
    bool found = false;

    for (size_t i = 0; i < candor_rule_string_count(rule); i++) {
        const struct candor_string *str = candor_rule_string(rule, i);
        const struct candor_match *m;
        if (candor_string_is_private(str) ||
            candor_scanner_matches(w->scanner, str, &m) == 0)
            continue;
        if (!found || m[0].offset < best->offset) {
            *best = m[0];
            *s = str;
            found = true;
        }
    }
    return found;
}

/* Category and severity from the rule's meta, as docs/audit.md says. */
static void rule_meta(const struct candor_rule *rule, struct finding *f)
{
    f->category = "malware";
    f->severity = SEVERITY_HIGH;
    for (size_t i = 0; i < candor_rule_meta_count(rule); i++) {
        const struct candor_meta *m = candor_rule_meta(rule, i);
        if (m->type != CANDOR_META_STRING)
            continue;
        if (strcmp(m->name, "category") == 0 && m->string_len > 0 &&
            strlen(m->string) == m->string_len)
            f->category = m->string;
        else if (strcmp(m->name, "severity") == 0)
            finding_severity_parse(m->string, m->string_len, &f->severity);
    }
    f->norm = finding_norm(f->category);
}

static void rule_finding(struct worker *w, const struct candor_rule *rule)
{
    const struct candor_string *s = NULL;
    struct candor_match m;
    bool found = first_match(w, rule, &s, &m);
    struct finding f = {.kind = FINDING_RULE, .vpath = w->vpath};

    buf_clear(&w->name);
    buf_printf(&w->name, "%s:%s", candor_rule_namespace(rule),
               candor_rule_name(rule));
    buf_clear(&w->text);
    if (found) {
        finding_evidence(&w->text, candor_string_name(s), m.data, m.data_len,
                         m.length, candor_string_kind(s) == CANDOR_STRING_HEX);
        f.offset = m.offset;
        f.length = m.length;
    } else {
        buf_puts(&w->text, "condition");
    }
    rule_meta(rule, &f);
    f.rule = w->name.failed ? candor_rule_name(rule) : (char *)w->name.data;
    f.evidence = w->text.failed ? "?" : (char *)w->text.data;
    add_finding(w, &f);
}

static int on_event(void *ctx, enum candor_event ev,
                    const struct candor_rule *rule,
                    const struct candor_string *string)
{
    struct worker *w = ctx;

    (void)string;
    if (ev == CANDOR_EVENT_RULE_MATCHING &&
        !(candor_rule_flags(rule) & CANDOR_RULE_PRIVATE))
        rule_finding(w, rule);
    return 0;
}

/* --- products and jobs -------------------------------------------------- */

static struct product *product_new(void)
{
    struct product *p = mem_calloc(1, sizeof(*p));

    if (p != NULL)
        atomic_init(&p->refs, 1);
    return p;
}

static void product_unref(struct product *p)
{
    if (atomic_fetch_sub(&p->refs, 1) != 1)
        return;
    if (p->map != NULL)
        munmap(p->map, p->map_len);
    mem_free(p);
}

static void job_free(struct job *j)
{
    mem_free(j->vpath);
    mem_free(j->data);
    mem_free(j);
}

/*
 * Queues a job (taking ownership of its data and vpath) if the queue has
 * room: its records go where the worker's would have gone next. False
 * when the caller must do it itself (one thread, --extract, a full queue,
 * no memory); then nothing was taken.
 */
static bool submit(struct worker *w, struct job *j)
{
    struct audit *a = w->a;
    struct rlist *l;
    struct rec *r;
    bool room;

    if (a->n_workers < 2 || a->extract != NULL)
        return false;
    pthread_mutex_lock(&a->lock);
    room = a->n_queued < QUEUE_PER_THREAD * (size_t)a->n_workers &&
           a->queued_bytes + j->len <= QUEUE_BYTES;
    pthread_mutex_unlock(&a->lock);
    if (!room)
        return false;
    l = mem_calloc(1, sizeof(*l));
    r = rec_new(REC_LIST, 0);
    if (l == NULL || r == NULL) {
        mem_free(l);
        mem_free(r);
        return false;
    }
    l->parent = w->out;
    r->u.list = l;
    j->out = l;
    j->p = w->p;
    atomic_fetch_add(&j->p->refs, 1);
    out_add(w, r);
    pthread_mutex_lock(&a->lock);
    j->next = NULL;
    if (a->queue_tail != NULL)
        a->queue_tail->next = j;
    else
        a->queue = j;
    a->queue_tail = j;
    a->n_queued++;
    a->queued_bytes += j->len;
    pthread_cond_broadcast(&a->wake);
    pthread_mutex_unlock(&a->lock);
    return true;
}

/* The next job, under a->lock; NULL when none waits. */
static struct job *take(struct audit *a)
{
    struct job *j = a->queue;

    if (j != NULL) {
        a->queue = j->next;
        if (a->queue == NULL)
            a->queue_tail = NULL;
        a->n_queued--;
        a->queued_bytes -= j->len;
        a->n_running++;
    }
    return j;
}

static enum candor_status audit_data(struct worker *w, const char *vpath,
                                     const uint8_t *data, size_t len,
                                     uint32_t depth, struct extract_file *xf);
static enum candor_status product(struct worker *w, const char *name,
                                  const uint8_t *data, size_t len,
                                  const struct stat *st);

/* Runs a job taken from the queue, then frees it. */
static void run(struct worker *w, struct job *j)
{
    struct audit *a = w->a;
    struct extract_file xf = {.dir = -1, .xdir = -1};
    enum candor_status rc;

    w->p = j->p;
    w->out = j->out;
    if (j->is_product)
        rc = product(w, j->vpath, j->p->map, j->p->map_len, &j->st);
    else
        rc = audit_data(w, j->vpath, j->data, j->len, j->depth, &xf);
    fail(a, rc);
    pthread_mutex_lock(&a->out_lock);
    j->out->done = true;
    flush(a);
    pthread_mutex_unlock(&a->out_lock);
    product_unref(j->p);
    job_free(j);
    w->p = NULL;
    w->out = &a->top;
    pthread_mutex_lock(&a->lock);
    a->n_running--;
    pthread_cond_broadcast(&a->wake);
    pthread_mutex_unlock(&a->lock);
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct audit *a = w->a;

    pthread_mutex_lock(&a->lock);
    for (;;) {
        struct job *j = take(a);
        if (j != NULL) {
            pthread_mutex_unlock(&a->lock);
            run(w, j);
            pthread_mutex_lock(&a->lock);
        } else if (a->closing) {
            break;
        } else {
            pthread_cond_wait(&a->wake, &a->lock);
        }
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

enum candor_status audit_wait(struct audit *a)
{
    pthread_mutex_lock(&a->lock);
    for (;;) {
        struct job *j = take(a);
        if (j != NULL) {
            pthread_mutex_unlock(&a->lock);
            run(&a->workers[0], j);
            pthread_mutex_lock(&a->lock);
        } else if (a->n_running == 0) {
            break;
        } else {
            pthread_cond_wait(&a->wake, &a->lock);
        }
    }
    pthread_mutex_unlock(&a->lock);
    return (enum candor_status)atomic_load(&a->rc);
}

static enum candor_status worker_init(struct worker *w, struct audit *a)
{
    enum candor_status rc;

    w->a = a;
    w->out = &a->top;
    buf_init(&w->text, TEXT_MAX);
    buf_init(&w->name, TEXT_MAX);
    rc = candor_scanner_new(a->rules, &w->scanner);
    if (rc != CANDOR_OK)
        return rc;
    candor_scanner_set_callback(w->scanner, on_event, w);
    return carver_new(&w->carver);
}

static void worker_fini(struct worker *w)
{
    candor_scanner_free(w->scanner);
    carver_free(w->carver);
    buf_fini(&w->text);
    buf_fini(&w->name);
}

enum candor_status audit_new(const struct candor_rules *rules,
                             const struct audit_limits *limits, int n_threads,
                             struct report *report, struct audit **out)
{
    struct audit *a = mem_calloc(1, sizeof(*a));
    enum candor_status rc = CANDOR_OK;

    if (a == NULL)
        return CANDOR_ERROR_NOMEM;
    a->lim = *limits;
    a->rules = rules;
    a->report = report;
    a->cur = &a->top;
    atomic_init(&a->rc, CANDOR_OK);
    pthread_mutex_init(&a->lock, NULL);
    pthread_mutex_init(&a->out_lock, NULL);
    pthread_cond_init(&a->wake, NULL);
    if (n_threads < 1)
        n_threads = 1;
    a->workers = mem_calloc((size_t)n_threads, sizeof(*a->workers));
    if (a->workers == NULL) {
        audit_free(a);
        return CANDOR_ERROR_NOMEM;
    }
    for (int i = 0; i < n_threads && rc == CANDOR_OK; i++) {
        a->n_workers++;
        rc = worker_init(&a->workers[i], a);
    }
    for (int i = 1; i < n_threads && rc == CANDOR_OK; i++) {
        struct worker *w = &a->workers[i];
        w->started = pthread_create(&w->thread, NULL, work, w) == 0;
        if (!w->started)
            rc = CANDOR_ERROR_INTERNAL;
    }
    if (rc != CANDOR_OK) {
        audit_free(a);
        return rc;
    }
    *out = a;
    return CANDOR_OK;
}

void audit_set_extract(struct audit *a, struct extract *x)
{
    a->extract = x;
}

void audit_free(struct audit *a)
{
    if (a == NULL)
        return;
    if (a->workers != NULL) {
        audit_wait(a);
        pthread_mutex_lock(&a->lock);
        a->closing = true;
        pthread_cond_broadcast(&a->wake);
        pthread_mutex_unlock(&a->lock);
        for (int i = 0; i < a->n_workers; i++) {
            if (a->workers[i].started)
                pthread_join(a->workers[i].thread, NULL);
            worker_fini(&a->workers[i]);
        }
        mem_free(a->workers);
    }
    pthread_mutex_lock(&a->out_lock);
    a->top.done = true;
    flush(a);
    pthread_mutex_unlock(&a->out_lock);
    pthread_cond_destroy(&a->wake);
    pthread_mutex_destroy(&a->out_lock);
    pthread_mutex_destroy(&a->lock);
    mem_free(a);
}

/* Whether the product must stop: a limit was hit or its time is up. */
static bool out_of_time(struct worker *w, const char *vpath)
{
    struct product *p = w->p;

    if (p->deadline == 0 || stopped(w) || unpack_now() <= p->deadline)
        return stopped(w);
    if (stop_product(p))
        problem(w, FINDING_LIMIT, "limit.timeout", vpath,
                "the product took more than --timeout %u s: not read further",
                w->a->lim.timeout);
    return true;
}

/* Scans one file with the rules; only running out of memory fails. */
static enum candor_status scan(struct worker *w, const char *vpath,
                               const uint8_t *data, size_t len)
{
    enum candor_status rc;

    if (w->p->deadline > 0) {
        double left = w->p->deadline - unpack_now();
        candor_scanner_set_timeout(w->scanner,
                                   left < 1 ? 1 : (unsigned)left);
    }
    w->vpath = vpath;
    rc = candor_scanner_scan_mem(w->scanner, data, len);
    if (rc == CANDOR_ERROR_TIMEOUT)
        problem(w, FINDING_LIMIT, "limit.timeout", vpath,
                "the rules' scan of this file timed out");
    else if (rc != CANDOR_OK && rc != CANDOR_ERROR_NOMEM)
        problem(w, FINDING_UNPACK_ERROR, "scan.error", vpath, "%s",
                candor_status_str(rc));
    return rc == CANDOR_ERROR_NOMEM ? rc : CANDOR_OK;
}

/* a, sep and b in a new string (NULL when out of memory). */
static char *join(const char *x, const char *sep, const char *y)
{
    size_t lx = strlen(x), ls = strlen(sep), ly = strlen(y);
    char *p = mem_alloc(lx + ls + ly + 1);

    if (p != NULL) {
        memcpy(p, x, lx);
        memcpy(p + lx, sep, ls);
        memcpy(p + lx + ls, y, ly + 1);
    }
    return p;
}

static const char *kind_name(enum unpack_kind k)
{
    static const char *const names[] = {
        [UNPACK_REGULAR] = "file",    [UNPACK_DIR] = "dir",
        [UNPACK_SYMLINK] = "symlink", [UNPACK_HARDLINK] = "hardlink",
        [UNPACK_CHARDEV] = "chardev", [UNPACK_BLOCKDEV] = "blockdev",
        [UNPACK_FIFO] = "fifo",       [UNPACK_SOCKET] = "socket",
        [UNPACK_OTHER] = "other",
    };
    return names[k];
}

static enum candor_status audit_data(struct worker *w, const char *vpath,
                                     const uint8_t *data, size_t len,
                                     uint32_t depth, struct extract_file *xf);

/* An extraction that failed is a finding; the audit goes on. */
static enum candor_status extracted(struct worker *w, const char *vpath,
                                    enum candor_status rc)
{
    if (rc == CANDOR_ERROR_IO)
        problem(w, FINDING_UNPACK_ERROR, "extract.error", vpath, "%s",
                extract_error(w->a->extract));
    return rc == CANDOR_ERROR_NOMEM ? rc : CANDOR_OK;
}

/* The container's state while its entries are read. */
struct level {
    struct unpack u;
    const char *vpath; /* the container's: "...!gzip+tar" */
    size_t parent_len; /* strlen of the vpath of the file holding it */
    size_t len;        /* its compressed size */
    uint64_t out;      /* bytes its entries gave, kept or drained */
    uint32_t depth;    /* of its entries */
    uint64_t n_entries;
    bool stop;         /* a limit ends this container */
    /* A carved candidate is on trial until its first entry was read
       whole: if that fails, it was no container (a magic number by
       chance) and nothing of it is reported. */
    bool trial;
    bool rejected;
    struct extract_dir xd; /* where --extract writes its entries */
};

/* Counts an entry that is reported. */
static void count_entry(struct worker *w, struct level *lv)
{
    atomic_fetch_add(&w->p->files, 1);
    if (lv->n_entries++ == 0) /* a container with entries: counted */
        totals_add(w->a, 0, 1, 0);
}

/* Reports why an entry's data stopped early; total: the product's
   --max-total-bytes cut it, not --max-entry-bytes max. */
static void read_stopped(struct worker *w, struct level *lv, const char *vpath,
                         enum unpack_stop stop, uint64_t max, bool total)
{
    switch (stop) {
    case UNPACK_STOP_NONE:
    case UNPACK_STOP_NOMEM: break;
    case UNPACK_STOP_SIZE:
        if (!total) {
            problem(w, FINDING_LIMIT, "limit.entry-bytes", vpath,
                    "larger than --max-entry-bytes %" PRIu64
                    ": its first %" PRIu64 " bytes are scanned",
                    max, max);
        } else {
            if (stop_product(w->p))
                problem(w, FINDING_LIMIT, "limit.total-bytes", vpath,
                        "more than --max-total-bytes %" PRIu64
                        " unpacked: the product is not read further",
                        w->a->lim.max_total_bytes);
        }
        break;
    case UNPACK_STOP_RATIO:
        problem(w, FINDING_LIMIT, "limit.ratio", vpath,
                "the container's entries unpack to more than %" PRIu64
                " times its %zu bytes (--max-ratio): it is not read further",
                w->a->lim.max_ratio, lv->len);
        lv->stop = true;
        break;
    case UNPACK_STOP_TIME: out_of_time(w, vpath); break;
    case UNPACK_STOP_ERROR:
        problem(w, FINDING_UNPACK_ERROR, "unpack.error", vpath, "%s",
                unpack_error(&lv->u));
        break;
    }
}

/* Reads, records, scans and opens one regular file of a container. */
static enum candor_status regular(struct worker *w, struct level *lv,
                                  const struct unpack_entry *e,
                                  const char *vpath)
{
    uint64_t max = w->a->lim.max_entry_bytes;
    uint64_t ratio_bytes;
    uint8_t sha[DIGEST_SHA256_LEN], *data;
    size_t len;
    struct unpack_sink sink;
    enum unpack_stop stop;
    struct extract_file xf;
    enum candor_status rc;

    /* The ratio counts every entry of the container together: entries
       that share their compressed bytes (overlapping zip entries) or
       many entries that each stay under it add up. */
    if (__builtin_mul_overflow(w->a->lim.max_ratio, (uint64_t)lv->len,
                               &ratio_bytes))
        ratio_bytes = UINT64_MAX;
    ratio_bytes = ratio_bytes > lv->out ? ratio_bytes - lv->out : 0;
    unpack_sink_init(&sink, max, ratio_bytes, w->p->deadline);
    /* What every thread keeps of the product counts against its total,
       exactly (the sink claims its room before writing). */
    unpack_sink_share(&sink, &w->p->bytes, w->a->lim.max_total_bytes);
    /* The rest of a cut entry is read too, without keeping it, so that
       the ratio and the time limits see all of it. */
    sink.drain = true;
    unpack_read(&lv->u, &sink);
    stop = unpack_sink_result(&sink);
    lv->out += sink.total;
    data = sink.len > 0 ? sink.data : NULL;
    len = sink.len;
    if (data == NULL)
        mem_free(sink.data);
    if (stop == UNPACK_STOP_NOMEM) {
        mem_free(data);
        return CANDOR_ERROR_NOMEM;
    }
    if (lv->trial && lv->n_entries == 0 &&
        (stop == UNPACK_STOP_ERROR || (len == 0 && e->unnamed))) {
        mem_free(data);
        lv->rejected = lv->stop = true;
        return CANDOR_OK;
    }
    count_entry(w, lv);
    totals_add(w->a, 0, 0, len);
    digest_sha256(data, len, sha);
    add_file(w, &(struct report_file){
                               .vpath = vpath,
                               .parent_len = lv->parent_len,
                               .kind = kind_name(e->kind),
                               .size = len,
                               .mode = e->mode,
                               .uid = e->uid,
                               .gid = e->gid,
                               .link = e->link,
                               .sha256 = sha,
                           });
    /* An entry cut at max, drained, and then stopped by the ratio, the
       deadline or damage: the cut is a finding too. */
    if (stop != UNPACK_STOP_SIZE && sink.total > len)
        read_stopped(w, lv, vpath, UNPACK_STOP_SIZE, max, sink.pool_out);
    read_stopped(w, lv, vpath, stop, max, sink.pool_out);
    rc = extracted(w, vpath,
                   extract_write(w->a->extract, &lv->xd, e, vpath, data, len,
                                 &xf));
    if (rc == CANDOR_OK && len > 0) {
        /* Another thread may take it: the job owns data from then on. */
        struct job *j = mem_calloc(1, sizeof(*j));
        if (j != NULL) {
            j->vpath = join(vpath, "", "");
            j->data = data;
            j->len = len;
            j->depth = lv->depth;
        }
        if (j != NULL && j->vpath != NULL && submit(w, j)) {
            data = NULL;
        } else {
            if (j != NULL)
                mem_free(j->vpath);
            mem_free(j);
            rc = audit_data(w, vpath, data, len, lv->depth, &xf);
        }
    } else if (rc == CANDOR_OK) {
        rc = audit_data(w, vpath, data, len, lv->depth, &xf);
    }
    extract_file_fini(&xf);
    mem_free(data);
    return rc;
}

/* Records an entry that is not read: a directory, a link, a device. */
static enum candor_status other(struct worker *w, struct level *lv,
                                const struct unpack_entry *e,
                                const char *vpath)
{
    count_entry(w, lv);
    add_file(w, &(struct report_file){
                               .vpath = vpath,
                               .parent_len = lv->parent_len,
                               .kind = kind_name(e->kind),
                               .size = e->size > 0 ? (uint64_t)e->size : 0,
                               .mode = e->mode,
                               .uid = e->uid,
                               .gid = e->gid,
                               .link = e->link,
                           });
    return extracted(w, vpath,
                     extract_record(w->a->extract, &lv->xd, e,
                                    kind_name(e->kind), vpath));
}

/* One entry: UNPACK_END or _FATAL end the container. */
static enum candor_status entry(struct worker *w, struct level *lv,
                                int *n_failed)
{
    struct unpack_entry e;
    enum unpack_result r = unpack_next(&lv->u, &e);
    enum candor_status rc = CANDOR_OK;
    char *vpath;

    if (r == UNPACK_END || r == UNPACK_FATAL || r == UNPACK_FAILED) {
        if (lv->trial && lv->n_entries == 0) {
            lv->rejected = lv->stop = true;
            return CANDOR_OK;
        }
        if (r != UNPACK_END)
            problem(w, FINDING_UNPACK_ERROR, "unpack.error", lv->vpath, "%s",
                    unpack_error(&lv->u));
        lv->stop = r != UNPACK_FAILED || ++*n_failed > MAX_FAILED_ENTRIES;
        return CANDOR_OK;
    }
    if (atomic_load(&w->p->files) >= w->a->lim.max_files) {
        if (stop_product(w->p))
            problem(w, FINDING_LIMIT, "limit.files", lv->vpath,
                    "more than --max-files %" PRIu64
                    " entries: the product is not read further",
                    w->a->lim.max_files);
        return CANDOR_OK;
    }
    vpath = e.unnamed ? join(lv->vpath, "", "")
                      : join(lv->vpath, "!/", e.path);
    if (vpath == NULL)
        return CANDOR_ERROR_NOMEM;
    if (e.kind == UNPACK_REGULAR || (e.kind == UNPACK_HARDLINK && e.size > 0))
        rc = regular(w, lv, &e, vpath);
    else
        rc = other(w, lv, &e, vpath);
    mem_free(vpath);
    return rc;
}

/* What open_container found. */
struct opened {
    bool ok;         /* a container, with entries or not */
    bool known;      /* its extent is known (the reader said where it ends) */
    uint64_t extent; /* the bytes it took (the rest of the data if unknown) */
    char format[64];
};

/*
 * Opens data (found at offset of its file) as a container if it is one,
 * with reader, or with the first that takes it when reader is NULL, and
 * audits its entries. A reader that gave no entry may name a second
 * reading of the same data (see unpack.h), which is tried in turn. A
 * carved candidate (trial) that fails before its first entry was read is
 * no container, and nothing of it is reported.
 */
static enum candor_status open_container(struct worker *w, const char *vpath,
                                         const uint8_t *data, size_t len,
                                         uint64_t offset, uint32_t depth,
                                         const struct unpack_reader *reader,
                                         bool trial, struct opened *out,
                                         struct extract_file *xf)
{
    struct level lv = {
        .len = len, .parent_len = strlen(vpath), .trial = trial};
    enum candor_status rc = CANDOR_OK;
    const struct unpack_reader *again = NULL;
    char msg[256], at[32] = "";
    int n_failed = 0;
    char *cvpath;

    out->ok = false;
    switch (reader ? unpack_open_with(reader, data, len, &lv.u, msg,
                                      sizeof(msg))
                   : unpack_open(data, len, &lv.u, msg, sizeof(msg))) {
    case UNPACK_OK: break;
    case UNPACK_NOMEM: return CANDOR_ERROR_NOMEM;
    case UNPACK_NOT_CONTAINER: return CANDOR_OK;
    case UNPACK_TOO_DEEP:
        if (!trial)
            problem(w, FINDING_LIMIT, "limit.depth", vpath,
                    "more compression layers than can be read (%s)", msg);
        return CANDOR_OK;
    default:
        if (!trial)
            problem(w, FINDING_UNPACK_ERROR, "unpack.error", vpath, "%s",
                    msg);
        return CANDOR_OK;
    }
    if (offset > 0)
        snprintf(at, sizeof(at), "@0x%" PRIx64, offset);
    snprintf(out->format, sizeof(out->format), "%s", unpack_format(&lv.u));
    cvpath = join(vpath, "!", unpack_format(&lv.u));
    if (cvpath != NULL && at[0] != '\0') {
        char *p = join(cvpath, at, "");
        mem_free(cvpath);
        cvpath = p;
    }
    if (cvpath == NULL) {
        unpack_close(&lv.u);
        return CANDOR_ERROR_NOMEM;
    }
    lv.vpath = cvpath;
    lv.trial = trial && !unpack_verified(&lv.u);
    /* Its directory is named after its vpath's last part: "zip@0x200". */
    extract_dir_init(&lv.xd, xf, cvpath + lv.parent_len + 1, cvpath);
    lv.depth = depth + unpack_levels(&lv.u);
    if (lv.depth > w->a->lim.max_depth) {
        if (!trial)
            problem(w, FINDING_LIMIT, "limit.depth", cvpath,
                    "nested %" PRIu32 " containers deep, more than "
                    "--max-depth %" PRIu32 ": not opened",
                    lv.depth, w->a->lim.max_depth);
        lv.rejected = trial;
    } else {
        while (rc == CANDOR_OK && !lv.stop && !out_of_time(w, cvpath))
            rc = entry(w, &lv, &n_failed);
        if (rc == CANDOR_OK && !stopped(w) && lv.n_entries == 0 &&
            lv.u.reader->fallback != NULL)
            again = lv.u.reader->fallback(lv.u.state);
    }
    if (!lv.rejected && again == NULL) {
        uint64_t n = unpack_extent(&lv.u);
        out->ok = true;
        out->known = n > 0 && n <= len;
        out->extent = out->known ? n : len;
    }
    extract_dir_fini(&lv.xd);
    unpack_close(&lv.u);
    mem_free(cvpath);
    if (again != NULL)
        return open_container(w, vpath, data, len, offset, depth, again,
                              trial, out, xf);
    return rc;
}

/* The containers found in a file, at most MAX_CANDIDATES + 1. */
struct layout {
    struct report_range *r;
    size_t n, cap;
};

static bool layout_add(struct layout *l, uint64_t offset,
                       const struct opened *o)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct report_range *r = mem_realloc_array(l->r, cap, sizeof(*r));
        if (r == NULL)
            return false;
        l->r = r;
        l->cap = cap;
    }
    l->r[l->n].offset = offset;
    l->r[l->n].length = o->known ? o->extent : 0; /* 0: see layout_clip */
    snprintf(l->r[l->n].format, sizeof(l->r[l->n].format), "%s", o->format);
    l->n++;
    return true;
}

/* A container whose end is unknown (it failed, or stopped at a limit)
   runs to the next one found after it, or to the end of the file. */
static void layout_clip(struct layout *l, uint64_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->r[i].length == 0)
            l->r[i].length = (i + 1 < l->n ? l->r[i + 1].offset : len) -
                             l->r[i].offset;
}

/* Padding: the bytes of the n at p in runs of 16 or more 00 or FF bytes
   (erased flash, alignment, a tar's zero records). */
#define PADDING_RUN 16
static uint64_t padding_in(const uint8_t *p, uint64_t n)
{
    uint64_t total = 0, run = 0;

    for (uint64_t i = 0; i <= n; i++) {
        if (i < n && (p[i] == 0x00 || p[i] == 0xff) && run > 0 &&
            p[i] == p[i - 1]) {
            run++;
            continue;
        }
        if (run >= PADDING_RUN)
            total += run;
        run = i < n && (p[i] == 0x00 || p[i] == 0xff);
    }
    return total;
}

/* Reports the layout, with the bytes between the ranges. */
static void layout_report(struct worker *w, const char *vpath,
                          const uint8_t *data, size_t len,
                          const struct layout *l)
{
    struct report_layout rl = {
        .vpath = vpath,
        .size = len,
        .ranges = l->r,
        .n_ranges = l->n,
    };
    uint64_t pos = 0;
    bool carved = false;

    for (size_t i = 0; i <= l->n; i++) {
        uint64_t end = i < l->n ? l->r[i].offset : len;
        if (end > pos) {
            rl.unknown_bytes += end - pos;
            rl.padding_bytes += padding_in(data + pos, end - pos);
        }
        if (i < l->n) {
            pos = l->r[i].offset + l->r[i].length;
            carved |= l->r[i].offset > 0;
        }
    }
    /* One container filling the file but for padding is no news. */
    if (carved || rl.unknown_bytes > rl.padding_bytes)
        add_layout(w, &rl);
}

/*
 * Opens data as a container at offset 0, then carves the rest: every
 * candidate after what was opened is tried in turn, and what opens takes
 * its extent. A file where something other than one container filling it
 * was found gets a layout record.
 */
static enum candor_status unpack_all(struct worker *w, const char *vpath,
                                     const uint8_t *data, size_t len,
                                     uint32_t depth, struct extract_file *xf)
{
    struct carve_candidate *c = NULL;
    struct layout l = {.r = NULL};
    struct opened o;
    uint64_t pos = 0;
    size_t n_cands;
    bool more;
    enum candor_status rc =
        open_container(w, vpath, data, len, 0, depth, NULL, false, &o, xf);

    if (rc != CANDOR_OK || stopped(w))
        return rc;
    /* After a container whose end is unknown (damaged, or stopped at a
       limit), carving goes on from its next byte: what follows the damage
       is still found. */
    if (o.ok) {
        if (!layout_add(&l, 0, &o))
            return CANDOR_ERROR_NOMEM;
        pos = o.known ? o.extent : 1;
    }
    if (pos >= len || depth >= w->a->lim.max_depth) {
        mem_free(l.r);
        return CANDOR_OK;
    }
    rc = carver_find(w->carver, data, len, pos > 0 ? pos : 1, MAX_CANDIDATES,
                     &c, &n_cands, &more);
    if (rc != CANDOR_OK) {
        mem_free(l.r);
        return rc;
    }
    if (more)
        problem(w, FINDING_LIMIT, "limit.carve", vpath,
                "more than %d candidate containers: those after offset "
                "0x%" PRIx64 " are not tried",
                MAX_CANDIDATES, c[n_cands - 1].offset);
    for (size_t i = 0; i < n_cands && rc == CANDOR_OK && !stopped(w); i++) {
        if (c[i].offset < pos || out_of_time(w, vpath))
            continue;
        rc = open_container(w, vpath, data + c[i].offset, len - c[i].offset,
                            c[i].offset, depth, c[i].reader, true, &o, xf);
        if (rc == CANDOR_OK && o.ok) {
            if (!layout_add(&l, c[i].offset, &o))
                rc = CANDOR_ERROR_NOMEM;
            pos = c[i].offset + (o.known ? o.extent : 1);
        }
    }
    mem_free(c);
    layout_clip(&l, len);
    if (rc == CANDOR_OK && l.n > 0)
        layout_report(w, vpath, data, len, &l);
    mem_free(l.r);
    return rc;
}

static enum candor_status audit_data(struct worker *w, const char *vpath,
                                     const uint8_t *data, size_t len,
                                     uint32_t depth, struct extract_file *xf)
{
    enum candor_status rc = scan(w, vpath, data, len);

    if (rc != CANDOR_OK || stopped(w))
        return rc;
    return unpack_all(w, vpath, data, len, depth, xf);
}

/* Audits a product in this thread, its job's or the caller's; w->p is
   the product's. */
static enum candor_status product(struct worker *w, const char *name,
                                  const uint8_t *data, size_t len,
                                  const struct stat *st)
{
    struct audit *a = w->a;
    uint8_t sha[DIGEST_SHA256_LEN];
    struct extract_file xf;
    enum candor_status rc;

    w->p->deadline = a->lim.timeout ? unpack_now() + a->lim.timeout : 0;
    totals_add(a, 1, 0, 0);
    digest_sha256(data, len, sha);
    add_file(w, &(struct report_file){
                    .vpath = name,
                    .kind = "file",
                    .size = len,
                    .mode = st ? (uint32_t)st->st_mode & 07777 : 0,
                    .uid = st ? (int64_t)st->st_uid : 0,
                    .gid = st ? (int64_t)st->st_gid : 0,
                    .sha256 = sha,
                });
    rc = extracted(w, name, extract_product(a->extract, name, &xf));
    if (rc == CANDOR_OK)
        rc = audit_data(w, name, data, len, 0, &xf);
    extract_file_fini(&xf);
    if (rc == CANDOR_OK)
        rc = extracted(w, name, extract_flush(a->extract));
    return rc;
}

/* Runs product() in the caller's thread on p (which it takes). */
static enum candor_status product_here(struct audit *a, struct product *p,
                                       const char *name, const uint8_t *data,
                                       size_t len, const struct stat *st)
{
    struct worker *w = &a->workers[0];
    struct product *outer = w->p;
    enum candor_status rc;

    w->p = p;
    rc = product(w, name, data, len, st);
    w->p = outer;
    product_unref(p);
    fail(a, rc);
    return (enum candor_status)atomic_load(&a->rc);
}

enum candor_status audit_mem(struct audit *a, const char *name,
                             const uint8_t *data, size_t len)
{
    struct product *p = product_new();

    if (p == NULL)
        return CANDOR_ERROR_NOMEM;
    return product_here(a, p, name, data, len, NULL);
}

enum candor_status audit_file(struct audit *a, const char *path)
{
    struct worker *w = &a->workers[0];
    struct product *p;
    struct job *j;
    struct stat st;
    void *map = NULL;
    /* O_NONBLOCK: a FIFO put in place of the file cannot block the open. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        problem(w, FINDING_UNPACK_ERROR, "unpack.read", path,
                "could not read the product: %s", strerror(errno));
        return (enum candor_status)atomic_load(&a->rc);
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        problem(w, FINDING_UNPACK_ERROR, "unpack.read", path,
                "not a regular file: not audited");
        close(fd);
        return (enum candor_status)atomic_load(&a->rc);
    }
    if (st.st_size > 0) {
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            problem(w, FINDING_UNPACK_ERROR, "unpack.read", path,
                    "could not map the product: %s", strerror(errno));
            close(fd);
            return (enum candor_status)atomic_load(&a->rc);
        }
    }
    close(fd);
    p = product_new();
    if (p == NULL) {
        if (map != NULL)
            munmap(map, (size_t)st.st_size);
        return CANDOR_ERROR_NOMEM;
    }
    p->map = map;
    p->map_len = (size_t)st.st_size;
    /* Another thread may audit it while this one goes on to the next
       product; its mapping is not counted against the queue's bytes. */
    j = mem_calloc(1, sizeof(*j));
    if (j != NULL) {
        j->vpath = join(path, "", "");
        j->st = st;
        j->is_product = true;
    }
    w->p = p;
    if (j != NULL && j->vpath != NULL && submit(w, j)) {
        w->p = NULL;
        product_unref(p); /* the job holds it */
        return (enum candor_status)atomic_load(&a->rc);
    }
    w->p = NULL;
    if (j != NULL)
        mem_free(j->vpath);
    mem_free(j);
    return product_here(a, p, path, map, (size_t)st.st_size, &st);
}
