/* audit.c - see audit.h. */
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
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

struct audit {
    struct audit_limits lim;
    struct candor_scanner *scanner;
    struct carver *carver;
    struct report *report;
    struct extract *extract; /* --extract DIR, or NULL */
    struct buf text; /* the evidence or message of the finding being made */
    struct buf name; /* "namespace:rule" */
    /* The product being audited. */
    double deadline;
    uint64_t bytes, files;
    bool stopped; /* a product-wide limit was hit: nothing more is read */
    const char *vpath; /* the file being scanned, for the callback */
};

void audit_limits_default(struct audit_limits *l)
{
    l->max_depth = 32;
    l->max_total_bytes = 4ull << 30;
    l->max_entry_bytes = 256ull << 20;
    l->max_ratio = 1000;
    l->max_files = 1000000;
    l->timeout = 0;
}

/* A finding of kind LIMIT or UNPACK_ERROR; text is its evidence. */
static void problem(struct audit *a, enum finding_kind kind, const char *rule,
                    const char *vpath, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void problem(struct audit *a, enum finding_kind kind, const char *rule,
                    const char *vpath, const char *fmt, ...)
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
    report_finding(a->report, &f);
}

/*
 * The earliest match of the rule's visible strings into *best (a copy: the
 * scanner reuses the array of each answer); false when none matched.
 */
static bool first_match(struct audit *a, const struct candor_rule *rule,
                        const struct candor_string **s,
                        struct candor_match *best)
{
    bool found = false;

    for (size_t i = 0; i < candor_rule_string_count(rule); i++) {
        const struct candor_string *str = candor_rule_string(rule, i);
        const struct candor_match *m;
        if (candor_string_is_private(str) ||
            candor_scanner_matches(a->scanner, str, &m) == 0)
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

static void rule_finding(struct audit *a, const struct candor_rule *rule)
{
    const struct candor_string *s = NULL;
    struct candor_match m;
    bool found = first_match(a, rule, &s, &m);
    struct finding f = {.kind = FINDING_RULE, .vpath = a->vpath};

    buf_clear(&a->name);
    buf_printf(&a->name, "%s:%s", candor_rule_namespace(rule),
               candor_rule_name(rule));
    buf_clear(&a->text);
    if (found) {
        finding_evidence(&a->text, candor_string_name(s), m.data, m.data_len,
                         m.length, candor_string_kind(s) == CANDOR_STRING_HEX);
        f.offset = m.offset;
        f.length = m.length;
    } else {
        buf_puts(&a->text, "condition");
    }
    rule_meta(rule, &f);
    f.rule = a->name.failed ? candor_rule_name(rule) : (char *)a->name.data;
    f.evidence = a->text.failed ? "?" : (char *)a->text.data;
    report_finding(a->report, &f);
}

static int on_event(void *ctx, enum candor_event ev,
                    const struct candor_rule *rule,
                    const struct candor_string *string)
{
    struct audit *a = ctx;

    (void)string;
    if (ev == CANDOR_EVENT_RULE_MATCHING &&
        !(candor_rule_flags(rule) & CANDOR_RULE_PRIVATE))
        rule_finding(a, rule);
    return 0;
}

enum candor_status audit_new(const struct candor_rules *rules,
                             const struct audit_limits *limits,
                             struct report *report, struct audit **out)
{
    struct audit *a = mem_calloc(1, sizeof(*a));
    enum candor_status rc;

    if (a == NULL)
        return CANDOR_ERROR_NOMEM;
    a->lim = *limits;
    a->report = report;
    buf_init(&a->text, TEXT_MAX);
    buf_init(&a->name, TEXT_MAX);
    rc = candor_scanner_new(rules, &a->scanner);
    if (rc != CANDOR_OK) {
        audit_free(a);
        return rc;
    }
    candor_scanner_set_callback(a->scanner, on_event, a);
    rc = carver_new(&a->carver);
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
    candor_scanner_free(a->scanner);
    carver_free(a->carver);
    buf_fini(&a->text);
    buf_fini(&a->name);
    mem_free(a);
}

/* Whether the product must stop: a limit was hit or its time is up. */
static bool out_of_time(struct audit *a, const char *vpath)
{
    if (a->deadline == 0 || a->stopped || unpack_now() <= a->deadline)
        return a->stopped;
    problem(a, FINDING_LIMIT, "limit.timeout", vpath,
            "the product took more than --timeout %u s: not read further",
            a->lim.timeout);
    a->stopped = true;
    return true;
}

/* Scans one file with the rules; only running out of memory fails. */
static enum candor_status scan(struct audit *a, const char *vpath,
                               const uint8_t *data, size_t len)
{
    enum candor_status rc;

    if (a->deadline > 0) {
        double left = a->deadline - unpack_now();
        candor_scanner_set_timeout(a->scanner, left < 1 ? 1 : (unsigned)left);
    }
    a->vpath = vpath;
    rc = candor_scanner_scan_mem(a->scanner, data, len);
    if (rc == CANDOR_ERROR_TIMEOUT)
        problem(a, FINDING_LIMIT, "limit.timeout", vpath,
                "the rules' scan of this file timed out");
    else if (rc != CANDOR_OK && rc != CANDOR_ERROR_NOMEM)
        problem(a, FINDING_UNPACK_ERROR, "scan.error", vpath, "%s",
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

static enum candor_status audit_data(struct audit *a, const char *vpath,
                                     const uint8_t *data, size_t len,
                                     uint32_t depth, struct extract_file *xf);

/* An extraction that failed is a finding; the audit goes on. */
static enum candor_status extracted(struct audit *a, const char *vpath,
                                    enum candor_status rc)
{
    if (rc == CANDOR_ERROR_IO)
        problem(a, FINDING_UNPACK_ERROR, "extract.error", vpath, "%s",
                extract_error(a->extract));
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
static void count_entry(struct audit *a, struct level *lv)
{
    a->files++;
    if (lv->n_entries++ == 0) /* a container with entries: counted */
        a->report->totals.containers++;
}

/* Reports why an entry's data stopped early. */
static void read_stopped(struct audit *a, struct level *lv, const char *vpath,
                         enum unpack_stop stop, uint64_t max)
{
    switch (stop) {
    case UNPACK_STOP_NONE:
    case UNPACK_STOP_NOMEM: break;
    case UNPACK_STOP_SIZE:
        if (max == a->lim.max_entry_bytes) {
            problem(a, FINDING_LIMIT, "limit.entry-bytes", vpath,
                    "larger than --max-entry-bytes %" PRIu64
                    ": its first %" PRIu64 " bytes are scanned",
                    max, max);
        } else {
            problem(a, FINDING_LIMIT, "limit.total-bytes", vpath,
                    "more than --max-total-bytes %" PRIu64
                    " unpacked: the product is not read further",
                    a->lim.max_total_bytes);
            a->stopped = true;
        }
        break;
    case UNPACK_STOP_RATIO:
        problem(a, FINDING_LIMIT, "limit.ratio", vpath,
                "the container's entries unpack to more than %" PRIu64
                " times its %zu bytes (--max-ratio): it is not read further",
                a->lim.max_ratio, lv->len);
        lv->stop = true;
        break;
    case UNPACK_STOP_TIME: out_of_time(a, vpath); break;
    case UNPACK_STOP_ERROR:
        problem(a, FINDING_UNPACK_ERROR, "unpack.error", vpath, "%s",
                unpack_error(&lv->u));
        break;
    }
}

/* Reads, records, scans and opens one regular file of a container. */
static enum candor_status regular(struct audit *a, struct level *lv,
                                  const struct unpack_entry *e,
                                  const char *vpath)
{
    uint64_t left = a->lim.max_total_bytes - a->bytes;
    uint64_t max = left < a->lim.max_entry_bytes ? left
                                                 : a->lim.max_entry_bytes;
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
    if (__builtin_mul_overflow(a->lim.max_ratio, (uint64_t)lv->len,
                               &ratio_bytes))
        ratio_bytes = UINT64_MAX;
    ratio_bytes = ratio_bytes > lv->out ? ratio_bytes - lv->out : 0;
    unpack_sink_init(&sink, max, ratio_bytes, a->deadline);
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
    count_entry(a, lv);
    a->bytes += len;
    a->report->totals.bytes += len;
    digest_sha256(data, len, sha);
    report_file(a->report, &(struct report_file){
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
        read_stopped(a, lv, vpath, UNPACK_STOP_SIZE, max);
    read_stopped(a, lv, vpath, stop, max);
    rc = extracted(a, vpath,
                   extract_write(a->extract, &lv->xd, e, vpath, data, len,
                                 &xf));
    if (rc == CANDOR_OK)
        rc = audit_data(a, vpath, data, len, lv->depth, &xf);
    extract_file_fini(&xf);
    mem_free(data);
    return rc;
}

/* Records an entry that is not read: a directory, a link, a device. */
static enum candor_status other(struct audit *a, struct level *lv,
                                const struct unpack_entry *e,
                                const char *vpath)
{
    count_entry(a, lv);
    report_file(a->report, &(struct report_file){
                               .vpath = vpath,
                               .parent_len = lv->parent_len,
                               .kind = kind_name(e->kind),
                               .size = e->size > 0 ? (uint64_t)e->size : 0,
                               .mode = e->mode,
                               .uid = e->uid,
                               .gid = e->gid,
                               .link = e->link,
                           });
    return extracted(a, vpath,
                     extract_record(a->extract, &lv->xd, e,
                                    kind_name(e->kind), vpath));
}

/* One entry: UNPACK_END or _FATAL end the container. */
static enum candor_status entry(struct audit *a, struct level *lv,
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
            problem(a, FINDING_UNPACK_ERROR, "unpack.error", lv->vpath, "%s",
                    unpack_error(&lv->u));
        lv->stop = r != UNPACK_FAILED || ++*n_failed > MAX_FAILED_ENTRIES;
        return CANDOR_OK;
    }
    if (a->files >= a->lim.max_files) {
        problem(a, FINDING_LIMIT, "limit.files", lv->vpath,
                "more than --max-files %" PRIu64
                " entries: the product is not read further",
                a->lim.max_files);
        a->stopped = true;
        return CANDOR_OK;
    }
    vpath = e.unnamed ? join(lv->vpath, "", "")
                      : join(lv->vpath, "!/", e.path);
    if (vpath == NULL)
        return CANDOR_ERROR_NOMEM;
    if (e.kind == UNPACK_REGULAR || (e.kind == UNPACK_HARDLINK && e.size > 0))
        rc = regular(a, lv, &e, vpath);
    else
        rc = other(a, lv, &e, vpath);
    mem_free(vpath);
    return rc;
}

/* What open_container found. */
struct opened {
    bool ok;         /* a container, with entries or not */
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
static enum candor_status open_container(struct audit *a, const char *vpath,
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
            problem(a, FINDING_LIMIT, "limit.depth", vpath,
                    "more compression layers than can be read (%s)", msg);
        return CANDOR_OK;
    default:
        if (!trial)
            problem(a, FINDING_UNPACK_ERROR, "unpack.error", vpath, "%s",
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
    if (lv.depth > a->lim.max_depth) {
        if (!trial)
            problem(a, FINDING_LIMIT, "limit.depth", cvpath,
                    "nested %" PRIu32 " containers deep, more than "
                    "--max-depth %" PRIu32 ": not opened",
                    lv.depth, a->lim.max_depth);
        lv.rejected = trial;
    } else {
        while (rc == CANDOR_OK && !lv.stop && !out_of_time(a, cvpath))
            rc = entry(a, &lv, &n_failed);
        if (rc == CANDOR_OK && !a->stopped && lv.n_entries == 0 &&
            lv.u.reader->fallback != NULL)
            again = lv.u.reader->fallback(lv.u.state);
    }
    if (!lv.rejected && again == NULL) {
        uint64_t n = unpack_extent(&lv.u);
        out->ok = true;
        out->extent = n > 0 && n <= len ? n : len;
    }
    extract_dir_fini(&lv.xd);
    unpack_close(&lv.u);
    mem_free(cvpath);
    if (again != NULL)
        return open_container(a, vpath, data, len, offset, depth, again,
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
    l->r[l->n].length = o->extent;
    snprintf(l->r[l->n].format, sizeof(l->r[l->n].format), "%s", o->format);
    l->n++;
    return true;
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
static void layout_report(struct audit *a, const char *vpath,
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
        report_layout(a->report, &rl);
}

/*
 * Opens data as a container at offset 0, then carves the rest: every
 * candidate after what was opened is tried in turn, and what opens takes
 * its extent. A file where something other than one container filling it
 * was found gets a layout record.
 */
static enum candor_status unpack_all(struct audit *a, const char *vpath,
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
        open_container(a, vpath, data, len, 0, depth, NULL, false, &o, xf);

    if (rc != CANDOR_OK || a->stopped)
        return rc;
    if (o.ok) {
        if (!layout_add(&l, 0, &o))
            return CANDOR_ERROR_NOMEM;
        pos = o.extent;
    }
    if (pos >= len || depth >= a->lim.max_depth) {
        mem_free(l.r);
        return CANDOR_OK;
    }
    rc = carver_find(a->carver, data, len, pos > 0 ? pos : 1, MAX_CANDIDATES,
                     &c, &n_cands, &more);
    if (rc != CANDOR_OK) {
        mem_free(l.r);
        return rc;
    }
    if (more)
        problem(a, FINDING_LIMIT, "limit.carve", vpath,
                "more than %d candidate containers: those after offset "
                "0x%" PRIx64 " are not tried",
                MAX_CANDIDATES, c[n_cands - 1].offset);
    for (size_t i = 0; i < n_cands && rc == CANDOR_OK && !a->stopped; i++) {
        if (c[i].offset < pos || out_of_time(a, vpath))
            continue;
        rc = open_container(a, vpath, data + c[i].offset, len - c[i].offset,
                            c[i].offset, depth, c[i].reader, true, &o, xf);
        if (rc == CANDOR_OK && o.ok) {
            if (!layout_add(&l, c[i].offset, &o))
                rc = CANDOR_ERROR_NOMEM;
            pos = c[i].offset + o.extent;
        }
    }
    mem_free(c);
    if (rc == CANDOR_OK && l.n > 0)
        layout_report(a, vpath, data, len, &l);
    mem_free(l.r);
    return rc;
}

static enum candor_status audit_data(struct audit *a, const char *vpath,
                                     const uint8_t *data, size_t len,
                                     uint32_t depth, struct extract_file *xf)
{
    enum candor_status rc = scan(a, vpath, data, len);

    if (rc != CANDOR_OK || a->stopped)
        return rc;
    return unpack_all(a, vpath, data, len, depth, xf);
}

static enum candor_status product(struct audit *a, const char *name,
                                  const uint8_t *data, size_t len,
                                  const struct stat *st)
{
    uint8_t sha[DIGEST_SHA256_LEN];
    struct extract_file xf;
    enum candor_status rc;

    a->deadline = a->lim.timeout ? unpack_now() + a->lim.timeout : 0;
    a->bytes = 0;
    a->files = 0;
    a->stopped = false;
    a->report->totals.products++;
    digest_sha256(data, len, sha);
    report_file(a->report, &(struct report_file){
                               .vpath = name,
                               .kind = "file",
                               .size = len,
                               .mode = st ? (uint32_t)st->st_mode & 07777 : 0,
                               .uid = st ? (int64_t)st->st_uid : 0,
                               .gid = st ? (int64_t)st->st_gid : 0,
                               .sha256 = sha,
                           });
    rc = extracted(a, name, extract_product(a->extract, name, &xf));
    if (rc == CANDOR_OK)
        rc = audit_data(a, name, data, len, 0, &xf);
    extract_file_fini(&xf);
    if (rc == CANDOR_OK)
        rc = extracted(a, name, extract_flush(a->extract));
    return rc;
}

enum candor_status audit_mem(struct audit *a, const char *name,
                             const uint8_t *data, size_t len)
{
    return product(a, name, data, len, NULL);
}

enum candor_status audit_file(struct audit *a, const char *path)
{
    struct stat st;
    void *map = NULL;
    enum candor_status rc;
    /* O_NONBLOCK: a FIFO put in place of the file cannot block the open. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        problem(a, FINDING_UNPACK_ERROR, "unpack.read", path,
                "could not read the product: %s", strerror(errno));
        return CANDOR_OK;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        problem(a, FINDING_UNPACK_ERROR, "unpack.read", path,
                "not a regular file: not audited");
        close(fd);
        return CANDOR_OK;
    }
    if (st.st_size > 0) {
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            problem(a, FINDING_UNPACK_ERROR, "unpack.read", path,
                    "could not map the product: %s", strerror(errno));
            close(fd);
            return CANDOR_OK;
        }
    }
    close(fd);
    rc = product(a, path, map, (size_t)st.st_size, &st);
    if (map != NULL)
        munmap(map, (size_t)st.st_size);
    return rc;
}
