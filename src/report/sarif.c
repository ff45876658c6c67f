/* sarif.c - see sarif.h. */
#include "report/sarif.h"

#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/map.h"
#include "base/mem.h"
#include "base/vec.h"
#include "report/report.h"

#define SCHEMA_URI                                                             \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/"              \
    "sarif-schema-2.1.0.json"
#define RECORD_MAX (1u << 20)       /* one result */
#define TABLE_MAX ((size_t)1 << 40) /* the artifacts, the rules */

/* A file on the chain from the product to the last file met. */
struct node {
    char *vpath;
    size_t len;
    size_t parent_len; /* 0: a product */
    uint64_t size;
    uint8_t sha256[32];
    bool has_sha;
    int64_t index; /* in artifacts[], -1 until a result needs it */
};

struct sarif {
    FILE *out;
    char *version;
    char start[32]; /* startTimeUtc */
    struct vec chain; /* struct node, product first */
    struct buf record;
    struct buf artifacts; /* the elements of artifacts[], written */
    struct buf rules;     /* the elements of rules[], written */
    struct map rule_index;
    struct vec rule_ids; /* char *, the map's keys */
    uint64_t n_results, n_artifacts, n_rules;
    bool relative_roots; /* a product path relative to the cwd */
    bool failed;
};

static void utc_now(char *out, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, size, "1970-01-01T00:00:00Z");
}

static void put(struct sarif *s, const void *p, size_t len)
{
    if (len > 0 && fwrite(p, 1, len, s->out) != len)
        s->failed = true;
}

struct sarif *sarif_new(FILE *out, const char *version)
{
    static const char head[] = "{\"$schema\":\"" SCHEMA_URI "\","
                               "\"version\":\"2.1.0\",\"runs\":[{"
                               "\"results\":[";
    struct sarif *s = mem_calloc(1, sizeof(*s));

    if (s == NULL)
        return NULL;
    s->out = out;
    s->version = mem_strdup(version);
    vec_init(&s->chain, sizeof(struct node));
    vec_init(&s->rule_ids, sizeof(char *));
    map_init(&s->rule_index);
    buf_init(&s->record, RECORD_MAX);
    buf_init(&s->artifacts, TABLE_MAX);
    buf_init(&s->rules, TABLE_MAX);
    if (s->version == NULL) {
        sarif_free(s);
        return NULL;
    }
    utc_now(s->start, sizeof(s->start));
    put(s, head, sizeof(head) - 1);
    return s;
}

/* Drops the chain's nodes from n on. */
static void chain_cut(struct sarif *s, size_t n)
{
    while (s->chain.n > n) {
        struct node *top = vec_at(&s->chain, s->chain.n - 1);
        mem_free(top->vpath);
        s->chain.n--;
    }
}

void sarif_free(struct sarif *s)
{
    if (s == NULL)
        return;
    chain_cut(s, 0);
    vec_fini(&s->chain);
    for (size_t i = 0; i < s->rule_ids.n; i++)
        mem_free(*(char **)vec_at(&s->rule_ids, i));
    vec_fini(&s->rule_ids);
    map_fini(&s->rule_index);
    buf_fini(&s->record);
    buf_fini(&s->artifacts);
    buf_fini(&s->rules);
    mem_free(s->version);
    mem_free(s);
}

void sarif_file(struct sarif *s, const struct report_file *f)
{
    size_t keep = 0;
    struct node *n;

    /* The chain's vpaths grow strictly, so one node at most has the
       parent's length: the parent, since the audit goes depth first. */
    if (f->parent_len > 0) {
        for (keep = s->chain.n; keep > 0; keep--) {
            const struct node *p = vec_at(&s->chain, keep - 1);
            if (p->len == f->parent_len)
                break;
        }
    }
    chain_cut(s, keep);
    n = vec_push(&s->chain);
    if (n == NULL) {
        s->failed = true;
        return;
    }
    n->vpath = mem_strdup(f->vpath);
    if (n->vpath == NULL) {
        s->chain.n--;
        s->failed = true;
        return;
    }
    n->len = strlen(f->vpath);
    n->parent_len = keep > 0 ? f->parent_len : 0;
    n->size = f->size;
    n->has_sha = f->sha256 != NULL;
    if (n->has_sha)
        memcpy(n->sha256, f->sha256, sizeof(n->sha256));
    n->index = -1;
}

/*
 * Appends the bytes of s as a URI path, percent-encoding every byte but
 * the unreserved ones and '/' (RFC 3986). A '/' in first place is encoded
 * too when the path is a relative reference, which must not start with
 * "/" for the SARIF Multitool (rule SARIF1004) nor with "//" for RFC 3986.
 */
static void uri_path(struct buf *b, const char *s, size_t len, bool relative)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~' || (c == '/' && !(relative && i == 0)))
            buf_putc(b, c);
        else
            buf_printf(b, "%%%02X", c);
    }
}

/* ,"key":"s" with s JSON-escaped */
static void json_member(struct buf *b, const char *key, const char *s,
                        size_t len)
{
    buf_printf(b, ",\"%s\":", key);
    report_json_string(b, s, len);
}

/* ,"length":N,"hashes":{"sha-256":"..."} */
static void artifact_data(struct buf *b, const struct node *n)
{
    buf_printf(b, ",\"length\":%" PRIu64, n->size);
    if (!n->has_sha)
        return;
    buf_puts(b, ",\"hashes\":{\"sha-256\":\"");
    for (int i = 0; i < 32; i++)
        buf_printf(b, "%02x", n->sha256[i]);
    buf_puts(b, "\"}");
}

/*
 * The artifactLocation's uri of a product: a file URI for an absolute
 * path, else a relative reference to the current directory.
 */
static void root_uri(struct sarif *s, struct buf *b, const char *vpath)
{
    size_t len = strlen(vpath);

    buf_putc(b, '"');
    if (vpath[0] == '/') {
        buf_puts(b, "file://");
        uri_path(b, vpath, len, false);
        buf_putc(b, '"');
        return;
    }
    s->relative_roots = true;
    uri_path(b, vpath, len, true);
    buf_puts(b, "\",\"uriBaseId\":\"CWD\"");
}

/*
 * The artifactLocation's uri of a file in a container: its name there
 * (after "FORMAT!/" in its vpath), or "" for a compressed stream, which
 * has neither a name nor an offset in the file holding it.
 */
static void nested_uri(struct buf *b, const struct node *n)
{
    const char *rest = n->vpath + n->parent_len + 1; /* after the '!' */
    const char *bang = strchr(rest, '!');

    buf_putc(b, '"');
    if (bang != NULL)
        uri_path(b, bang + 2, strlen(bang + 2), true);
    buf_putc(b, '"');
}

/* The uri of the node's artifact, as root_uri or nested_uri write it. */
static void node_uri(struct sarif *s, struct buf *b, const struct node *n)
{
    if (n->parent_len == 0)
        root_uri(s, b, n->vpath);
    else
        nested_uri(b, n);
}

/* Gives chain node i, and the nodes holding it, an artifact index. */
static int64_t materialize(struct sarif *s, size_t i)
{
    struct node *n = vec_at(&s->chain, i);
    struct buf *b = &s->artifacts;
    int64_t parent = -1;

    if (n->index >= 0)
        return n->index;
    if (n->parent_len > 0 && i > 0) {
        parent = materialize(s, i - 1);
        n = vec_at(&s->chain, i);
    }
    buf_puts(b, s->n_artifacts > 0 ? ",{\"location\":{\"uri\":"
                                   : "{\"location\":{\"uri\":");
    node_uri(s, b, n);
    buf_putc(b, '}');
    if (parent >= 0)
        buf_printf(b, ",\"parentIndex\":%" PRId64, parent);
    else
        buf_puts(b, ",\"roles\":[\"analysisTarget\"]");
    artifact_data(b, n);
    buf_puts(b, ",\"properties\":{\"vpath\":");
    report_json_string(b, n->vpath, n->len);
    buf_puts(b, "}}");
    n->index = (int64_t)s->n_artifacts++;
    return n->index;
}

/*
 * The chain node a finding's vpath names: the file itself, or a
 * container in it ("FILE!gzip+tar"; format names hold no '!'). Returns
 * the node's position, or -1 when none does.
 */
static long chain_find(const struct sarif *s, const char *vpath)
{
    size_t len = strlen(vpath);

    for (size_t i = s->chain.n; i > 0; i--) {
        const struct node *n = vec_at(&s->chain, i - 1);
        if (n->len == len && memcmp(n->vpath, vpath, len) == 0)
            return (long)(i - 1);
        if (n->len < len && memcmp(n->vpath, vpath, n->len) == 0 &&
            vpath[n->len] == '!' && strchr(vpath + n->len + 1, '!') == NULL)
            return (long)(i - 1);
    }
    return -1;
}

/* The artifactLocation of a finding, written to b. */
static void finding_location(struct sarif *s, struct buf *b,
                             const struct finding *f)
{
    /* A product that could not be read was never met as a file: it is
       not on the chain, which may still hold the last product. */
    bool unread = f->kind == FINDING_UNPACK_ERROR &&
                  strcmp(f->rule, "unpack.read") == 0;
    long i = unread ? -1 : chain_find(s, f->vpath);
    int64_t index;

    if (i >= 0) {
        index = materialize(s, (size_t)i);
        buf_puts(b, "{\"uri\":");
        node_uri(s, b, vec_at(&s->chain, (size_t)i));
    } else {
        /* An artifact of its own, outside the chain. */
        struct buf *a = &s->artifacts;
        buf_puts(a, s->n_artifacts > 0 ? ",{\"location\":{\"uri\":"
                                       : "{\"location\":{\"uri\":");
        root_uri(s, a, f->vpath);
        buf_puts(a, "},\"roles\":[\"analysisTarget\"],\"properties\":{"
                    "\"vpath\":");
        report_json_string(a, f->vpath, strlen(f->vpath));
        buf_puts(a, "}}");
        index = (int64_t)s->n_artifacts++;
        buf_puts(b, "{\"uri\":");
        root_uri(s, b, f->vpath);
    }
    buf_printf(b, ",\"index\":%" PRId64 "}", index);
}

static const char *level_of(enum finding_severity sev)
{
    switch (sev) {
    case SEVERITY_CRITICAL:
    case SEVERITY_HIGH: return "error";
    case SEVERITY_MEDIUM: return "warning";
    case SEVERITY_LOW: return "note";
    case SEVERITY_INFO: return "none";
    }
    return "warning";
}

/* The rule's index in rules[], adding it on first sight. */
static uint64_t rule_of(struct sarif *s, const struct finding *f)
{
    /* shortDescription: before and after the rule's id */
    static const char *const what[][2] = {
        [FINDING_RULE] = {"YARA rule ", " matched."},
        [FINDING_DETECTOR] = {"candor detector ", " fired."},
        [FINDING_LIMIT] = {"A limit of candor audit stopped the unpacking (",
                           ")."},
        [FINDING_UNPACK_ERROR] = {"A container or product could not be "
                                  "read (",
                                  ")."},
    };
    size_t len = strlen(f->rule);
    struct buf *b = &s->rules, text;
    uint64_t index;
    char *id, **slot;

    if (map_get(&s->rule_index, f->rule, len, &index))
        return index;
    id = mem_strdup(f->rule);
    slot = vec_push(&s->rule_ids);
    if (id == NULL || slot == NULL ||
        !map_put(&s->rule_index, id, len, s->n_rules)) {
        mem_free(id);
        if (slot != NULL)
            s->rule_ids.n--;
        s->failed = true;
        return s->n_rules; /* the log is failed anyway */
    }
    *slot = id;
    buf_init(&text, RECORD_MAX);
    buf_puts(&text, what[f->kind][0]);
    buf_puts(&text, f->rule);
    buf_puts(&text, what[f->kind][1]);
    buf_puts(b, s->n_rules > 0 ? ",{\"id\":" : "{\"id\":");
    report_json_string(b, f->rule, len);
    buf_puts(b, ",\"shortDescription\":{\"text\":");
    report_json_string(b, (const char *)text.data, text.len);
    buf_puts(b, "},\"properties\":{\"kind\":");
    report_json_string(b, finding_kind_name(f->kind),
                       strlen(finding_kind_name(f->kind)));
    json_member(b, "category", f->category, strlen(f->category));
    if (f->norm != NULL)
        json_member(b, "norm", f->norm, strlen(f->norm));
    buf_puts(b, "}}");
    if (text.failed)
        s->failed = true;
    buf_fini(&text);
    return s->n_rules++;
}

void sarif_finding(struct sarif *s, const struct finding *f)
{
    struct buf *b = &s->record;
    const char *sev = finding_severity_name(f->severity);

    buf_clear(b);
    buf_puts(b, s->n_results > 0 ? ",{\"ruleId\":" : "{\"ruleId\":");
    report_json_string(b, f->rule, strlen(f->rule));
    buf_printf(b, ",\"ruleIndex\":%" PRIu64 ",\"level\":\"%s\"",
               rule_of(s, f), level_of(f->severity));
    /* SARIF's level "none" goes with a kind other than "fail". */
    if (f->severity == SEVERITY_INFO)
        buf_puts(b, ",\"kind\":\"informational\"");
    buf_puts(b, ",\"message\":{\"text\":");
    if (f->evidence != NULL && f->evidence[0] != '\0')
        report_json_string(b, f->evidence, strlen(f->evidence));
    else
        report_json_string(b, f->rule, strlen(f->rule));
    buf_puts(b, "},\"locations\":[{\"physicalLocation\":{"
                "\"artifactLocation\":");
    finding_location(s, b, f);
    if (f->length > 0)
        buf_printf(b,
                   ",\"region\":{\"byteOffset\":%" PRIu64
                   ",\"byteLength\":%" PRIu64 "}",
                   f->offset, f->length);
    buf_puts(b, "}}],\"properties\":{\"kind\":");
    report_json_string(b, finding_kind_name(f->kind),
                       strlen(finding_kind_name(f->kind)));
    json_member(b, "category", f->category, strlen(f->category));
    json_member(b, "severity", sev, strlen(sev));
    if (f->norm != NULL)
        json_member(b, "norm", f->norm, strlen(f->norm));
    json_member(b, "vpath", f->vpath, strlen(f->vpath));
    buf_puts(b, "}}");
    if (b->failed) {
        s->failed = true;
        return;
    }
    put(s, b->data, b->len);
    s->n_results++;
}

/* ,"originalUriBaseIds":{"CWD":{"uri":"file:///cwd/"}} */
static void base_ids(struct sarif *s, struct buf *b)
{
    char cwd[PATH_MAX];

    if (!s->relative_roots || getcwd(cwd, sizeof(cwd)) == NULL ||
        cwd[0] != '/')
        return;
    buf_puts(b, ",\"originalUriBaseIds\":{\"CWD\":{\"uri\":\"file://");
    uri_path(b, cwd, strlen(cwd), false);
    if (cwd[strlen(cwd) - 1] != '/')
        buf_putc(b, '/');
    buf_puts(b, "\"}}");
}

bool sarif_finish(struct sarif *s, bool successful)
{
    struct buf *b = &s->record;
    char end[32];

    utc_now(end, sizeof(end));
    buf_clear(b);
    buf_puts(b, "],\"tool\":{\"driver\":{\"name\":\"candor\"");
    json_member(b, "version", s->version, strlen(s->version));
    buf_puts(b, ",\"rules\":[");
    put(s, b->data, b->len);
    put(s, s->rules.data, s->rules.len);
    put(s, "]}},\"artifacts\":[", strlen("]}},\"artifacts\":["));
    put(s, s->artifacts.data, s->artifacts.len);
    buf_clear(b);
    buf_putc(b, ']');
    base_ids(s, b);
    buf_printf(b,
               ",\"invocations\":[{\"executionSuccessful\":%s,"
               "\"startTimeUtc\":\"%s\",\"endTimeUtc\":\"%s\"}]}]}\n",
               successful ? "true" : "false", s->start, end);
    put(s, b->data, b->len);
    if (b->failed || s->rules.failed || s->artifacts.failed ||
        fflush(s->out) != 0)
        s->failed = true;
    return !s->failed;
}
