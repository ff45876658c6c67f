/* unpack.c - see unpack.h: the sink, and the table of readers. */
#include "unpack/unpack.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/mem.h"
#include "unpack/archive.h"
#include "unpack/bootimg.h"
#include "unpack/cramfs.h"
#include "unpack/ext.h"
#include "unpack/fit.h"
#include "unpack/hexrec.h"
#include "unpack/jffs2.h"
#include "unpack/lzop.h"
#include "unpack/sparse.h"
#include "unpack/squashfs.h"
#include "unpack/stream.h"
#include "unpack/trx.h"
#include "unpack/ubi.h"
#include "unpack/ubifs.h"
#include "unpack/uimage.h"

#define CHUNK (64u * 1024)

/*
 * The readers, tried in this order: formats recognised by a magic number
 * at offset 0 first, then libarchive (its raw format takes any compressed
 * stream, and its tar reader is lenient), then single compressed streams
 * that libarchive refused (a stream followed by other data).
 */
static const struct unpack_reader *const readers[] = {
    &unpack_squashfs,
    &unpack_cramfs,
    &unpack_ubifs,
    &unpack_uimage,
    &unpack_fit,
    &unpack_trx,
    &unpack_sparse,
    &unpack_bootimg,
    &unpack_ubi,
    &unpack_ihex,
    &unpack_srec,
    &unpack_lzop,
    &unpack_jffs2,
    &unpack_ext, /* its magic is at 1080 */
    &unpack_libarchive,
    &unpack_stream,
};

const struct unpack_reader *const *unpack_readers(size_t *n)
{
    *n = sizeof(readers) / sizeof(readers[0]);
    return readers;
}

enum unpack_kind unpack_kind_of_mode(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return UNPACK_REGULAR;
    case S_IFDIR: return UNPACK_DIR;
    case S_IFLNK: return UNPACK_SYMLINK;
    case S_IFCHR: return UNPACK_CHARDEV;
    case S_IFBLK: return UNPACK_BLOCKDEV;
    case S_IFIFO: return UNPACK_FIFO;
    case S_IFSOCK: return UNPACK_SOCKET;
    default: return UNPACK_OTHER;
    }
}

double unpack_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void unpack_sink_init(struct unpack_sink *s, uint64_t max_bytes,
                      uint64_t max_ratio_bytes, double deadline)
{
    memset(s, 0, sizeof(*s));
    s->max_bytes = max_bytes > SIZE_MAX ? SIZE_MAX : max_bytes;
    s->max_ratio_bytes = max_ratio_bytes;
    s->deadline = deadline;
}

void unpack_sink_share(struct unpack_sink *s, _Atomic uint64_t *pool,
                       uint64_t pool_max)
{
    s->pool = pool;
    s->pool_max = pool_max;
}

/* Takes up to want bytes of the pool; what it could take. */
static size_t claim(struct unpack_sink *s, size_t want)
{
    uint64_t had = atomic_fetch_add(s->pool, want);

    if (had >= s->pool_max) {
        atomic_fetch_sub(s->pool, want);
        return 0;
    }
    if (want > s->pool_max - had) {
        size_t extra = want - (size_t)(s->pool_max - had);
        atomic_fetch_sub(s->pool, extra);
        want -= extra;
    }
    return want;
}

bool unpack_sink_stopped(struct unpack_sink *s)
{
    if (s->stop == UNPACK_STOP_NONE && s->deadline > 0 &&
        unpack_now() > s->deadline)
        s->stop = UNPACK_STOP_TIME;
    return s->stop != UNPACK_STOP_NONE;
}

/* Grows the buffer so that want more bytes fit, never past max_bytes. */
static bool grow(struct unpack_sink *s, size_t want)
{
    size_t cap = s->cap ? s->cap : CHUNK;
    uint64_t limit = s->max_bytes;
    uint8_t *more;

    while (cap - s->len < want && cap < limit)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    if (cap > limit)
        cap = (size_t)limit;
    if (cap <= s->cap)
        return true;
    more = mem_realloc_array(s->data, cap, 1);
    if (more == NULL) {
        s->stop = UNPACK_STOP_NOMEM;
        return false;
    }
    s->data = more;
    s->cap = cap;
    return true;
}

/* Where drained bytes go: written, never read. */
static _Thread_local uint8_t scratch[CHUNK];

uint8_t *unpack_sink_reserve(struct unpack_sink *s, size_t want, size_t *room)
{
    *room = 0;
    if (unpack_sink_stopped(s) || want == 0)
        return NULL;
    if (s->len >= s->max_bytes) {
        if (!s->drain) {
            /* Full, and the reader has more: the entry is cut. */
            s->stop = UNPACK_STOP_SIZE;
            return NULL;
        }
        *room = want < CHUNK ? want : CHUNK;
        return scratch;
    }
    if (!grow(s, want))
        return NULL;
    *room = s->cap - s->len < want ? s->cap - s->len : want;
    if (s->pool != NULL) {
        s->claimed = claim(s, *room);
        if (s->claimed == 0) {
            /* The shared budget is spent: cut, as at max_bytes. */
            s->pool_out = true;
            s->max_bytes = s->len;
            return unpack_sink_reserve(s, want, room);
        }
        *room = s->claimed;
    }
    return s->data + s->len;
}

void unpack_sink_commit(struct unpack_sink *s, size_t n)
{
    if (s->len < s->max_bytes) {
        s->len += n;
        if (s->pool != NULL && s->claimed > n) /* give back the unused */
            atomic_fetch_sub(s->pool, s->claimed - n);
        s->claimed = 0;
    }
    s->total += n;
    if (s->total > s->max_ratio_bytes)
        s->stop = UNPACK_STOP_RATIO;
}

enum unpack_stop unpack_sink_result(const struct unpack_sink *s)
{
    if (s->stop == UNPACK_STOP_NONE && s->total > s->len)
        return UNPACK_STOP_SIZE;
    return s->stop;
}

bool unpack_sink_put(struct unpack_sink *s, const void *p, size_t n)
{
    const uint8_t *from = p;

    while (n > 0) {
        size_t room;
        uint8_t *to = unpack_sink_reserve(s, n < CHUNK ? n : CHUNK, &room);
        if (to == NULL)
            return false;
        memcpy(to, from, room);
        unpack_sink_commit(s, room);
        from += room;
        n -= room;
    }
    return !unpack_sink_stopped(s);
}

bool unpack_sink_give(struct unpack_sink *s, const uint8_t *buf, size_t len,
                      size_t *given)
{
    uint64_t before = s->total;
    bool all = *given >= len || unpack_sink_put(s, buf + *given, len - *given);

    *given += (size_t)(s->total - before);
    return all && *given >= len;
}

void unpack_sink_fail(struct unpack_sink *s)
{
    if (s->stop == UNPACK_STOP_NONE)
        s->stop = UNPACK_STOP_ERROR;
}

enum unpack_result unpack_open_with(const struct unpack_reader *r,
                                    const uint8_t *data, size_t len,
                                    struct unpack *u, char *msg,
                                    size_t msg_len)
{
    enum unpack_result rc;

    if (msg_len > 0)
        msg[0] = '\0';
    u->reader = r;
    u->state = NULL;
    rc = r->open(data, len, &u->state, msg, msg_len);
    if (rc != UNPACK_OK)
        u->state = NULL;
    return rc;
}

enum unpack_result unpack_open(const uint8_t *data, size_t len,
                               struct unpack *u, char *msg, size_t msg_len)
{
    enum unpack_result first = UNPACK_NOT_CONTAINER;
    char other[256];

    /* A reader that recognised the data but failed leaves the others to
       try (libarchive fails on an xz stream followed by other data, which
       stream.c reads); its message is kept if none succeeds. */
    for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
        bool keep = first == UNPACK_NOT_CONTAINER;
        enum unpack_result rc = unpack_open_with(
            readers[i], data, len, u, keep ? msg : other,
            keep ? msg_len : sizeof(other));
        if (rc == UNPACK_OK || rc == UNPACK_NOMEM)
            return rc;
        if (rc != UNPACK_NOT_CONTAINER && keep)
            first = rc;
    }
    return first;
}

void unpack_close(struct unpack *u)
{
    if (u->state != NULL)
        u->reader->close(u->state);
    u->state = NULL;
}
