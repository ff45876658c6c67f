/* extract.c - see extract.h. */
#include "audit/extract.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "report/report.h"

#define MANIFEST "manifest.jsonl"
#define PATH_TEXT_MAX (1u << 20) /* a sanitised path, a manifest line */
#define ALIAS_TRIES 100          /* "%%N" names tried before giving up */

struct extract {
    int root; /* DIR */
    FILE *manifest;
    struct buf line; /* the manifest record being written */
    struct buf path; /* the sanitised entry path being walked */
    struct buf rel;  /* its path below DIR, as made */
    uint64_t n_alias; /* the last N of a "%%N" name */
    unsigned n_errors; /* in the current product */
    char error[512];
};

static enum candor_status fail(struct extract *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Records why the call fails: CANDOR_ERROR_IO, counted for the product. */
static enum candor_status fail(struct extract *x, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(x->error, sizeof(x->error), fmt, ap);
    va_end(ap);
    if (++x->n_errors == EXTRACT_MAX_ERRORS && n >= 0 &&
        (size_t)n < sizeof(x->error))
        snprintf(x->error + n, sizeof(x->error) - (size_t)n,
                 "; %d errors: the rest of the product is not extracted",
                 EXTRACT_MAX_ERRORS);
    return CANDOR_ERROR_IO;
}

/* Whether x extracts at all (NULL: no --extract; too many errors). */
static bool active(const struct extract *x)
{
    return x != NULL && x->n_errors < EXTRACT_MAX_ERRORS;
}

const char *extract_error(const struct extract *x)
{
    return x->error;
}

/* --- names ------------------------------------------------------------- */

/* One component being sanitised: cut at EXTRACT_NAME_MAX bytes. */
struct component {
    struct buf *out;
    size_t len;
    bool cut;
};

static void put_unit(struct component *c, const void *p, size_t n)
{
    if (c->cut || c->len + n > EXTRACT_NAME_MAX) {
        c->cut = true;
        return;
    }
    buf_append(c->out, p, n);
    c->len += n;
}

static void put_escaped(struct component *c, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t u = p[i] >= 0x80 ? report_utf8_len(p + i, n - i) : 1;
        if (p[i] == '%' || p[i] < 0x20 || p[i] == 0x7f || u == 0) {
            char esc[4];
            snprintf(esc, sizeof(esc), "%%%02X", p[i]);
            put_unit(c, esc, 3);
            i++;
        } else {
            put_unit(c, p + i, u);
            i += u;
        }
    }
}

void extract_sanitise(const char *path, struct buf *out)
{
    const uint8_t *p = (const uint8_t *)path;
    struct component c = {.out = out};
    size_t n_comp = 0;

    buf_clear(out);
    while (*p != '\0') {
        size_t n = strcspn((const char *)p, "/");
        if (n == 0 || (n == 1 && p[0] == '.')) {
            p += n + (p[n] == '/');
            continue;
        }
        if (n_comp == EXTRACT_DEPTH_MAX) {
            put_unit(&c, "%2F", 3);
        } else {
            if (n_comp++ > 0)
                buf_putc(out, '/');
            c.len = 0;
            c.cut = false;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.')
            put_unit(&c, "%2E%2E", 6);
        else
            put_escaped(&c, p, n);
        p += n + (p[n] == '/');
    }
}

/* --- making things below DIR ------------------------------------------- */

/* "name%%N" into alias, with a fresh N. */
static void alias(struct extract *x, const char *name, char *to, size_t cap)
{
    snprintf(to, cap, "%s%%%%%" PRIu64, name, ++x->n_alias);
}

/*
 * Makes the directory name in dir: merged with one there when shared is
 * true (the directories of a container's entry paths), always a new one
 * otherwise (a name taken gets "%%N"). Returns its descriptor, or -1 with
 * errno; the name used is appended to x->rel.
 */
static int make_dir(struct extract *x, int dir, const char *name,
                    bool shared)
{
    char buf[EXTRACT_NAME_MAX + 64];
    const char *use = name;

    for (int i = 0; i < ALIAS_TRIES; i++) {
        if (mkdirat(dir, use, 0755) == 0 || (shared && errno == EEXIST)) {
            int fd = openat(dir, use,
                            O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) {
                buf_printf(&x->rel, "%s%s", x->rel.len ? "/" : "", use);
                return fd;
            }
            /* A file (or anything but a directory) holds the name. */
            if (errno != ENOTDIR && errno != ELOOP)
                return -1;
        } else if (errno != EEXIST) {
            return -1;
        }
        alias(x, name, buf, sizeof(buf));
        use = buf;
    }
    errno = EEXIST;
    return -1;
}

/* Creates the file name in dir, never over one that exists. Returns its
 * descriptor or -1 with errno; the name used is appended to x->rel. */
static int make_file(struct extract *x, int dir, const char *name)
{
    char buf[EXTRACT_NAME_MAX + 64];
    const char *use = name;

    for (int i = 0; i < ALIAS_TRIES; i++) {
        int fd = openat(dir, use,
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        0644);
        if (fd >= 0) {
            buf_printf(&x->rel, "%s%s", x->rel.len ? "/" : "", use);
            return fd;
        }
        if (errno != EEXIST)
            return -1;
        alias(x, name, buf, sizeof(buf));
        use = buf;
    }
    errno = EEXIST;
    return -1;
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* --- the manifest -------------------------------------------------------- */

/* One record: vpath, kind, path (NULL: not made), link, size (< 0: none). */
static enum candor_status manifest(struct extract *x, const char *vpath,
                                   const char *kind, const char *path,
                                   const char *link, int64_t size)
{
    struct buf *b = &x->line;

    buf_clear(b);
    buf_puts(b, "{\"vpath\":");
    report_json_string(b, vpath, strlen(vpath));
    buf_printf(b, ",\"kind\":\"%s\",\"path\":", kind);
    if (path != NULL)
        report_json_string(b, path, strlen(path));
    else
        buf_puts(b, "null");
    if (link != NULL) {
        buf_puts(b, ",\"link\":");
        report_json_string(b, link, strlen(link));
    }
    if (size >= 0)
        buf_printf(b, ",\"size\":%" PRId64, size);
    buf_puts(b, "}\n");
    if (b->failed)
        return fail(x, "manifest record too long or out of memory");
    if (fwrite(b->data, 1, b->len, x->manifest) != b->len)
        return fail(x, "could not write %s: %s", MANIFEST, strerror(errno));
    return CANDOR_OK;
}

/* --- the public functions ----------------------------------------------- */

/* Whether the directory fd holds no entry. */
static bool is_empty(int fd)
{
    int dup_fd = dup(fd);
    DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
    struct dirent *de;
    bool empty = true;

    if (d == NULL) {
        if (dup_fd >= 0)
            close(dup_fd);
        return false;
    }
    while (empty && (de = readdir(d)) != NULL)
        empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
    closedir(d);
    return empty;
}

enum candor_status extract_new(const char *dir, struct extract **out,
                               char *msg, size_t msg_len)
{
    struct extract *x;
    int fd;

    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(msg, msg_len, "cannot make %s: %s", dir, strerror(errno));
        return CANDOR_ERROR_IO;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || !is_empty(fd)) {
        snprintf(msg, msg_len, "%s: %s", dir,
                 fd < 0 ? strerror(errno) : "not empty");
        if (fd >= 0)
            close(fd);
        return CANDOR_ERROR_IO;
    }
    x = mem_calloc(1, sizeof(*x));
    if (x == NULL) {
        close(fd);
        return CANDOR_ERROR_NOMEM;
    }
    x->root = fd;
    buf_init(&x->line, PATH_TEXT_MAX);
    buf_init(&x->path, PATH_TEXT_MAX);
    buf_init(&x->rel, PATH_TEXT_MAX);
    fd = openat(x->root, MANIFEST,
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 || (x->manifest = fdopen(fd, "w")) == NULL) {
        snprintf(msg, msg_len, "%s/%s: %s", dir, MANIFEST, strerror(errno));
        if (fd >= 0)
            close(fd);
        extract_free(x);
        return CANDOR_ERROR_IO;
    }
    *out = x;
    return CANDOR_OK;
}

void extract_free(struct extract *x)
{
    if (x == NULL)
        return;
    if (x->manifest != NULL)
        fclose(x->manifest);
    close(x->root);
    buf_fini(&x->line);
    buf_fini(&x->path);
    buf_fini(&x->rel);
    mem_free(x);
}

enum candor_status extract_flush(struct extract *x)
{
    if (x == NULL || fflush(x->manifest) == 0)
        return CANDOR_OK;
    return fail(x, "could not write %s: %s", MANIFEST, strerror(errno));
}

static void file_none(struct extract_file *f)
{
    f->dir = f->xdir = -1;
    f->rel = f->xrel = NULL;
}

void extract_file_fini(struct extract_file *f)
{
    if (f->dir >= 0)
        close(f->dir);
    if (f->xdir >= 0)
        close(f->xdir);
    mem_free(f->rel);
    mem_free(f->xrel);
    file_none(f);
}

enum candor_status extract_product(struct extract *x, const char *name,
                                   struct extract_file *f)
{
    const char *base = strrchr(name, '/');

    file_none(f);
    if (x == NULL)
        return CANDOR_OK;
    x->n_errors = 0;
    extract_sanitise(base != NULL ? base + 1 : name, &x->path);
    if (x->path.failed)
        return CANDOR_ERROR_NOMEM;
    f->rel = mem_strdup(x->path.len ? (char *)x->path.data : "product");
    f->dir = dup(x->root);
    if (f->rel == NULL)
        return CANDOR_ERROR_NOMEM;
    if (f->dir < 0)
        return fail(x, "%s", strerror(errno));
    return CANDOR_OK;
}

void extract_dir_init(struct extract_dir *d, struct extract_file *f,
                      const char *format, const char *vpath)
{
    d->file = f;
    d->format = format;
    d->vpath = vpath;
    d->fd = -1;
    d->rel = NULL;
}

void extract_dir_fini(struct extract_dir *d)
{
    if (d->fd >= 0)
        close(d->fd);
    mem_free(d->rel);
    d->fd = -1;
    d->rel = NULL;
}

/* Makes FILE.extracted (once per file) and FORMAT in it (once per dir). */
static enum candor_status dir_ready(struct extract *x, struct extract_dir *d)
{
    struct extract_file *f = d->file;
    char name[EXTRACT_NAME_MAX + 64];
    const char *base;

    if (d->fd >= 0)
        return CANDOR_OK;
    if (f->dir < 0) /* the container's file was not written */
        return fail(x, "its container was not extracted");
    if (f->xdir < 0) {
        base = strrchr(f->rel, '/');
        snprintf(name, sizeof(name), "%s.extracted",
                 base != NULL ? base + 1 : f->rel);
        buf_clear(&x->rel);
        buf_append(&x->rel, f->rel, base != NULL ? (size_t)(base - f->rel)
                                                 : 0);
        f->xdir = make_dir(x, f->dir, name, false);
        if (f->xdir < 0)
            return fail(x, "cannot make %s: %s", name, strerror(errno));
        f->xrel = mem_strdup((char *)x->rel.data);
        if (f->xrel == NULL)
            return CANDOR_ERROR_NOMEM;
    }
    extract_sanitise(d->format, &x->path);
    buf_clear(&x->rel);
    buf_puts(&x->rel, f->xrel);
    d->fd = make_dir(x, f->xdir, x->path.len ? (char *)x->path.data : "%%",
                     false);
    if (d->fd < 0)
        return fail(x, "cannot make %s/%s: %s", f->xrel, d->format,
                    strerror(errno));
    d->rel = mem_strdup((char *)x->rel.data);
    if (d->rel == NULL || x->rel.failed)
        return CANDOR_ERROR_NOMEM;
    return manifest(x, d->vpath, "container", d->rel, NULL, -1);
}

/*
 * Walks the sanitised path in x->path below d, making its directories
 * (all of them when whole, else all but the last component, whose name
 * goes to *last). Returns the descriptor of the directory reached (owned)
 * or -1 with the failure recorded; x->rel gets its path below DIR.
 */
static int walk(struct extract *x, struct extract_dir *d, bool whole,
                const char **last)
{
    char *p = (char *)x->path.data, *slash;
    int fd = dup(d->fd);

    buf_clear(&x->rel);
    buf_puts(&x->rel, d->rel);
    if (fd < 0) {
        fail(x, "%s", strerror(errno));
        return -1;
    }
    *last = NULL;
    while (p != NULL && *p != '\0') {
        int next;
        slash = strchr(p, '/');
        if (slash == NULL && !whole) {
            *last = p;
            break;
        }
        if (slash != NULL)
            *slash = '\0';
        next = make_dir(x, fd, p, true);
        if (next < 0) {
            fail(x, "cannot make %s/%s: %s", (char *)x->rel.data, p,
                 strerror(errno));
            close(fd);
            return -1;
        }
        close(fd);
        fd = next;
        p = slash != NULL ? slash + 1 : NULL;
    }
    return fd;
}

enum candor_status extract_write(struct extract *x, struct extract_dir *d,
                                 const struct unpack_entry *e,
                                 const char *vpath, const uint8_t *data,
                                 size_t len, struct extract_file *f)
{
    enum candor_status rc;
    const char *last;
    int dir, fd;

    file_none(f);
    if (!active(x))
        return CANDOR_OK;
    if ((rc = dir_ready(x, d)) != CANDOR_OK)
        return rc;
    extract_sanitise(e->unnamed ? "data" : e->path, &x->path);
    if (x->path.failed)
        return CANDOR_ERROR_NOMEM;
    dir = walk(x, d, false, &last);
    if (dir < 0)
        return CANDOR_ERROR_IO;
    fd = make_file(x, dir, last != NULL ? last : "%%");
    if (fd < 0 || !write_all(fd, data, len)) {
        rc = fail(x, "cannot write %s: %s", (char *)x->rel.data,
                  strerror(errno));
        if (fd >= 0)
            close(fd);
        close(dir);
        return rc;
    }
    close(fd);
    f->dir = dir;
    f->rel = mem_strdup((char *)x->rel.data);
    if (f->rel == NULL || x->rel.failed)
        return CANDOR_ERROR_NOMEM;
    return manifest(x, vpath, "file", f->rel, e->link, (int64_t)len);
}

enum candor_status extract_record(struct extract *x, struct extract_dir *d,
                                  const struct unpack_entry *e,
                                  const char *kind, const char *vpath)
{
    enum candor_status rc;
    const char *last;
    int dir;

    if (!active(x))
        return CANDOR_OK;
    if (e->kind != UNPACK_DIR)
        return manifest(x, vpath, kind, NULL, e->link, -1);
    if ((rc = dir_ready(x, d)) != CANDOR_OK)
        return rc;
    extract_sanitise(e->path, &x->path);
    if (x->path.failed)
        return CANDOR_ERROR_NOMEM;
    dir = walk(x, d, true, &last);
    if (dir < 0)
        return CANDOR_ERROR_IO;
    close(dir);
    return manifest(x, vpath, "dir", (char *)x->rel.data, NULL, -1);
}
