/* progress.c - see progress.h. */
#include "progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define ERASE "\r\033[K" /* to the line's start, then clear it */
#define LINE_MAX_COLS 1024

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool progress_wanted(void)
{
    const char *term = getenv("TERM");

    return isatty(STDERR_FILENO) && term != NULL &&
           strcmp(term, "dumb") != 0;
}

void progress_init(struct progress *p, const struct report_totals *totals,
                   uint64_t products)
{
    memset(p, 0, sizeof(*p));
    p->fd = STDERR_FILENO;
    p->totals = totals;
    p->products = products;
    p->start = now();
    /* The tests draw from the first file on. */
    p->delay = PROGRESS_DELAY;
    if (getenv("CANDOR_PROGRESS_DELAY") != NULL)
        p->delay = strtod(getenv("CANDOR_PROGRESS_DELAY"), NULL);
}

/* Writes all of s; a terminal that fails is left alone. */
static void put(struct progress *p, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(p->fd, s, len);
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

static unsigned columns(const struct progress *p)
{
    struct winsize ws;

    if (ioctl(p->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col < LINE_MAX_COLS ? ws.ws_col : LINE_MAX_COLS;
    return 80;
}

/* 1536 bytes as "1.5 KiB"; below 1 KiB as bytes. */
static void human(char *out, size_t size, uint64_t n)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)n;
    int u = -1;

    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (u < 0)
        snprintf(out, size, "%" PRIu64 " B", n);
    else
        snprintf(out, size, "%.1f %s", v, units[u]);
}

/* The width of byte c on the line: 1, or 4 for \xNN. */
static unsigned shown_width(unsigned char c)
{
    return c >= 0x20 && c < 0x7f ? 1 : 4;
}

/*
 * Appends the vpath to line (of used bytes, room for cols columns in
 * all), escaped; when it does not fit, its end is kept after "...".
 */
static size_t put_path(const struct progress *p, char *line, size_t used,
                       unsigned cols)
{
    const unsigned char *s = (const unsigned char *)p->vpath;
    size_t len = strlen(p->vpath), start = 0;
    unsigned width = 0, room = cols > used ? (unsigned)(cols - used) : 0;

    for (size_t i = 0; i < len; i++)
        width += shown_width(s[i]);
    if (p->cut || width > room) {
        if (room < 4)
            return used;
        /* Drop bytes from the start until "..." and the rest fit. */
        while (start < len && width + 3 > room)
            width -= shown_width(s[start++]);
        memcpy(line + used, "...", 3);
        used += 3;
    }
    for (size_t i = start; i < len; i++) {
        if (shown_width(s[i]) == 1) {
            line[used++] = (char)s[i];
        } else {
            snprintf(line + used, 5, "\\x%02X", s[i]);
            used += 4;
        }
    }
    return used;
}

static void draw(struct progress *p)
{
    const struct report_totals *t = p->totals;
    char line[3 * LINE_MAX_COLS + 64], bytes[32];
    unsigned cols = columns(p) - 1; /* the last column would wrap */
    int n;
    size_t used;

    human(bytes, sizeof(bytes), t->bytes);
    memcpy(line, ERASE, sizeof(ERASE) - 1);
    n = snprintf(line + sizeof(ERASE) - 1, sizeof(line) - sizeof(ERASE),
                 "audit: product %" PRIu64 "/%" PRIu64 ", %" PRIu64
                 " files, %s unpacked: ",
                 t->products, p->products, t->files, bytes);
    if (n < 0)
        return;
    used = (size_t)n;
    if (used > cols)
        used = cols; /* a narrow terminal: the counts, cut */
    used = put_path(p, line + sizeof(ERASE) - 1, used, cols);
    put(p, line, sizeof(ERASE) - 1 + used);
    p->drawn = true;
}

void progress_on_record(void *ctx, const char *vpath, bool finding)
{
    struct progress *p = ctx;
    double t;
    size_t len;

    if (finding) {
        progress_end(p);
        return;
    }
    len = strlen(vpath);
    p->cut = len >= sizeof(p->vpath);
    if (p->cut)
        vpath += len - (sizeof(p->vpath) - 1);
    memcpy(p->vpath, vpath, p->cut ? sizeof(p->vpath) - 1 : len);
    p->vpath[p->cut ? sizeof(p->vpath) - 1 : len] = '\0';
    t = now();
    if (t - p->start < p->delay || t - p->last < PROGRESS_PERIOD)
        return;
    p->last = t;
    draw(p);
}

void progress_end(struct progress *p)
{
    if (!p->drawn)
        return;
    put(p, ERASE, sizeof(ERASE) - 1);
    p->drawn = false;
}
