/*
 * stream.c - one compressed stream, read through its own library: gzip
 * (zlib), xz and lzma-alone (liblzma), bzip2 (libbz2), zstd (libzstd) and
 * LZ4 frames (liblz4).
 *
 * libarchive reads these too, but a stream followed by other data (a
 * kernel in a firmware image, with the file system after it) is an error
 * to some of its filters, and how much of the data the stream took is
 * not known exactly. Each library here stops at the end of the stream and
 * says how many bytes it took: the extent carving goes on after. The
 * stream is a container with one unnamed entry, its decompressed bytes.
 */
#include "unpack/stream.h"

#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "base/bytes.h"
#include "base/mem.h"

#define CHUNK (64u * 1024)
/* Memory a stream's header may ask for: liblzma's dictionary, zstd's
   window (2^27, what zstd itself accepts by default). */
#define LZMA_MEMLIMIT (256u << 20)
#define ZSTD_WINDOW_LOG_MAX 27

enum kind { GZIP, XZ, LZMA, BZIP2, ZSTD, LZ4 };

static const char *const names[] = {
    [GZIP] = "gzip", [XZ] = "xz",     [LZMA] = "lzma",
    [BZIP2] = "bzip2", [ZSTD] = "zstd", [LZ4] = "lz4",
};

struct stream {
    const uint8_t *data;
    size_t len;
    enum kind kind;
    int given;    /* entries given: the one, then the end */
    bool started; /* the decoder below was made */
    bool done;    /* the stream's end or an error was reached */
    bool ended;   /* the stream's end was reached */
    uint64_t in;  /* bytes of data taken */
    union {       /* the decoder, kept between calls of read */
        z_stream z;
        lzma_stream x;
        bz_stream b;
        ZSTD_DCtx *zstd;
        LZ4F_dctx *lz4;
    } d;
    char error[128];
};

/* A dictionary size as the xz tools write them: 2^n or 2^n + 2^(n-1),
   4 KiB to 1.5 GiB. */
static bool lzma_dict_ok(uint32_t dict)
{
    for (unsigned n = 12; n <= 30; n++) {
        if (dict == 1u << n || (n > 12 && dict == (1u << n) + (1u << (n - 1))))
            return true;
    }
    return false;
}

/* The kind whose magic starts data; false when none does. */
static bool kind_of(const uint8_t *data, size_t len, enum kind *k)
{
    struct bytes b = bytes_make(data, len);
    uint8_t m[6] = {0};
    uint64_t size = 0;
    uint32_t dict = 0;

    if (len < 2 || !bytes_copy(b, 0, m, len < 6 ? len : 6))
        return false;
    if (len >= 3 && m[0] == 0x1f && m[1] == 0x8b && m[2] == 8)
        *k = GZIP;
    else if (len >= 6 && memcmp(m, "\xfd" "7zXZ\0", 6) == 0)
        *k = XZ;
    else if (len >= 4 && memcmp(m, "BZh", 3) == 0 && m[3] >= '1' &&
             m[3] <= '9')
        *k = BZIP2;
    else if (len >= 4 && memcmp(m, "\x28\xb5\x2f\xfd", 4) == 0)
        *k = ZSTD;
    else if (len >= 4 && memcmp(m, "\x04\x22\x4d\x18", 4) == 0)
        *k = LZ4;
    /* lzma-alone has no magic number: the usual properties byte, a
       dictionary size as the xz tools write them (2^n or 2^n + 2^(n-1),
       4 KiB to 1.5 GiB) and a decompressed size unknown (all ones) or
       from 1 byte to 1 TiB. */
    else if (len >= 13 && m[0] == 0x5d && bytes_u32le(b, 1, &dict) &&
             bytes_u64le(b, 5, &size) && lzma_dict_ok(dict) &&
             (size == UINT64_MAX || (size > 0 && size <= (1ull << 40))))
        *k = LZMA;
    else
        return false;
    return true;
}

static enum unpack_result open_stream(const uint8_t *data, size_t len,
                                      void **out, char *msg, size_t msg_len)
{
    struct stream *s;
    enum kind k;

    (void)msg;
    (void)msg_len;
    if (!kind_of(data, len, &k))
        return UNPACK_NOT_CONTAINER;
    s = mem_calloc(1, sizeof(*s));
    if (s == NULL)
        return UNPACK_NOMEM;
    s->data = data;
    s->len = len;
    s->kind = k;
    *out = s;
    return UNPACK_OK;
}

static void close_stream(void *state)
{
    struct stream *s = state;

    if (s == NULL)
        return;
    if (s->started) {
        switch (s->kind) {
        case GZIP: inflateEnd(&s->d.z); break;
        case XZ:
        case LZMA: lzma_end(&s->d.x); break;
        case BZIP2: BZ2_bzDecompressEnd(&s->d.b); break;
        case ZSTD: ZSTD_freeDCtx(s->d.zstd); break;
        case LZ4: LZ4F_freeDecompressionContext(s->d.lz4); break;
        }
    }
    mem_free(s);
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct stream *s = state;

    if (s->given++ > 0)
        return UNPACK_END;
    memset(e, 0, sizeof(*e));
    e->path = "";
    e->unnamed = true;
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = -1;
    return UNPACK_OK;
}

static void fail(struct stream *s, struct unpack_sink *sink, const char *what)
{
    snprintf(s->error, sizeof(s->error), "%s: %s", names[s->kind], what);
    s->done = true;
    unpack_sink_fail(sink);
}

/* Input handed to a library at once (their counters are 32-bit). */
static size_t in_piece(const struct stream *s)
{
    uint64_t left = s->len - s->in;

    return left > (1u << 30) ? (1u << 30) : (size_t)left;
}

/* Makes the decoder; false (and the sink failed) when it cannot be. */
static bool start(struct stream *s, struct unpack_sink *sink)
{
    bool ok = false;

    switch (s->kind) {
    case GZIP:
        memset(&s->d.z, 0, sizeof(s->d.z));
        ok = inflateInit2(&s->d.z, 16 + MAX_WBITS) == Z_OK;
        break;
    case XZ:
    case LZMA:
        s->d.x = (lzma_stream)LZMA_STREAM_INIT;
        ok = (s->kind == XZ ? lzma_stream_decoder(&s->d.x, LZMA_MEMLIMIT, 0)
                            : lzma_alone_decoder(&s->d.x, LZMA_MEMLIMIT)) ==
             LZMA_OK;
        break;
    case BZIP2:
        memset(&s->d.b, 0, sizeof(s->d.b));
        ok = BZ2_bzDecompressInit(&s->d.b, 0, 0) == BZ_OK;
        break;
    case ZSTD:
        s->d.zstd = ZSTD_createDCtx();
        ok = s->d.zstd != NULL &&
             !ZSTD_isError(ZSTD_DCtx_setParameter(
                 s->d.zstd, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX));
        if (!ok) {
            ZSTD_freeDCtx(s->d.zstd);
            s->d.zstd = NULL;
        }
        break;
    case LZ4:
        ok = !LZ4F_isError(
            LZ4F_createDecompressionContext(&s->d.lz4, LZ4F_VERSION));
        break;
    }
    if (!ok) {
        fail(s, sink, "cannot start the decoder");
        return false;
    }
    s->started = true;
    return true;
}

/*
 * One step of the decoder: input from s->in, output into out (room
 * bytes); *produced gets the output written. Returns 1 at the stream's
 * end, 0 to go on, -1 on an error (failed).
 */
static int step(struct stream *s, struct unpack_sink *sink, uint8_t *out,
                size_t room, size_t *produced)
{
    size_t piece = in_piece(s);
    bool last = s->in + piece == s->len;

    *produced = 0;
    switch (s->kind) {
    case GZIP: {
        z_stream *z = &s->d.z;
        int rc;
        z->next_in = (Bytef *)(s->data + s->in);
        z->avail_in = (uInt)piece;
        z->next_out = out;
        z->avail_out = (uInt)room;
        rc = inflate(z, Z_NO_FLUSH);
        s->in += piece - z->avail_in;
        *produced = room - z->avail_out;
        if (rc == Z_STREAM_END)
            return 1;
        if (rc == Z_OK && (*produced > 0 || piece - z->avail_in > 0))
            return 0;
        if (rc == Z_BUF_ERROR && last && z->avail_in == 0)
            fail(s, sink, "truncated");
        else
            fail(s, sink, z->msg != NULL ? z->msg : "corrupt data");
        return -1;
    }
    case XZ:
    case LZMA: {
        lzma_stream *x = &s->d.x;
        lzma_ret rc;
        x->next_in = s->data + s->in;
        x->avail_in = piece;
        x->next_out = out;
        x->avail_out = room;
        rc = lzma_code(x, last ? LZMA_FINISH : LZMA_RUN);
        s->in += piece - x->avail_in;
        *produced = room - x->avail_out;
        if (rc == LZMA_STREAM_END)
            return 1;
        if (rc == LZMA_OK)
            return 0;
        fail(s, sink,
             rc == LZMA_MEMLIMIT_ERROR
                 ? "the stream asks for more than 256 MiB to decode"
             : rc == LZMA_BUF_ERROR ? "truncated"
                                    : "corrupt data");
        return -1;
    }
    case BZIP2: {
        bz_stream *b = &s->d.b;
        int rc;
        b->next_in = (char *)(s->data + s->in);
        b->avail_in = (unsigned)piece;
        b->next_out = (char *)out;
        b->avail_out = (unsigned)room;
        rc = BZ2_bzDecompress(b);
        s->in += piece - b->avail_in;
        *produced = room - b->avail_out;
        if (rc == BZ_STREAM_END)
            return 1;
        if (rc == BZ_OK && !(last && b->avail_in == 0 && b->avail_out > 0))
            return 0;
        fail(s, sink, rc == BZ_OK ? "truncated" : "corrupt data");
        return -1;
    }
    case ZSTD: {
        ZSTD_inBuffer in = {s->data, s->len, s->in};
        ZSTD_outBuffer o = {out, room, 0};
        size_t rc = ZSTD_decompressStream(s->d.zstd, &o, &in);
        s->in = in.pos;
        *produced = o.pos;
        if (ZSTD_isError(rc)) {
            fail(s, sink, ZSTD_getErrorName(rc));
            return -1;
        }
        if (rc == 0) /* the frame is decoded and flushed */
            return 1;
        if (in.pos == in.size && o.pos < o.size) {
            fail(s, sink, "truncated");
            return -1;
        }
        return 0;
    }
    case LZ4: {
        size_t in = s->len - s->in, o = room;
        size_t rc = LZ4F_decompress(s->d.lz4, out, &o, s->data + s->in, &in,
                                    NULL);
        s->in += in;
        *produced = o;
        if (LZ4F_isError(rc)) {
            fail(s, sink, LZ4F_getErrorName(rc));
            return -1;
        }
        if (rc == 0) /* the frame is decoded */
            return 1;
        if (s->in == s->len && o == 0) {
            fail(s, sink, "truncated");
            return -1;
        }
        return 0;
    }
    }
    return -1;
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct stream *s = state;

    if (s->done || (!s->started && !start(s, sink)))
        return;
    for (;;) {
        size_t room, produced;
        uint8_t *to = unpack_sink_reserve(sink, CHUNK, &room);
        int rc;
        if (to == NULL)
            return;
        rc = step(s, sink, to, room, &produced);
        unpack_sink_commit(sink, produced);
        if (rc != 0) {
            s->done = true;
            s->ended = rc == 1;
            return;
        }
    }
}

static const char *error(const void *state)
{
    const struct stream *s = state;

    return s->error[0] ? s->error : "corrupt stream";
}

static const char *format(const void *state)
{
    const struct stream *s = state;

    return names[s->kind];
}

/* Known once the stream was read to its end. */
static uint64_t extent(const void *state)
{
    const struct stream *s = state;

    return s->ended ? s->in : 0;
}

/* The magic numbers of RFC 1952 (gzip), the .xz format 1.1.0, bzip2's
   "BZh" with its level and first block's magic, RFC 8878 (zstd), the LZ4
   frame format, and lzma-alone's usual properties byte. */
#define M(s) {s, sizeof(s) - 1, 0}
static const struct unpack_magic magics[] = {
    M("\x1f\x8b\x08"),
    M("\xfd" "7zXZ\x00"),
    M("BZh11AY&SY"), M("BZh21AY&SY"), M("BZh31AY&SY"), M("BZh41AY&SY"),
    M("BZh51AY&SY"), M("BZh61AY&SY"), M("BZh71AY&SY"), M("BZh81AY&SY"),
    M("BZh91AY&SY"),
    M("\x28\xb5\x2f\xfd"),
    M("\x04\x22\x4d\x18"),
    M("\x5d\x00\x00"),
};
#undef M

const struct unpack_reader unpack_stream = {
    .name = "stream",
    .magics = magics,
    .n_magics = sizeof(magics) / sizeof(magics[0]),
    .open = open_stream,
    .close = close_stream,
    .next = next,
    .read = read_data,
    .error = error,
    .format = format,
    .extent = extent,
};
