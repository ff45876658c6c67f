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
    int given;       /* entries given: the one, then the end */
    bool ended;      /* the stream's end was reached */
    uint64_t in;     /* bytes of data taken */
    char error[128];
};

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
    mem_free(state);
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
    unpack_sink_fail(sink);
}

/* Input handed to a library at once (their counters are 32-bit). */
static size_t in_piece(const struct stream *s, uint64_t at)
{
    uint64_t left = s->len - at;

    return left > (1u << 30) ? (1u << 30) : (size_t)left;
}

static void read_gzip(struct stream *s, struct unpack_sink *sink)
{
    z_stream z;
    int rc = Z_OK;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        fail(s, sink, "cannot start zlib");
        return;
    }
    while (rc == Z_OK) {
        size_t room, piece = in_piece(s, s->in);
        uint8_t *to = unpack_sink_reserve(sink, CHUNK, &room);
        if (to == NULL)
            break;
        z.next_in = (Bytef *)(s->data + s->in);
        z.avail_in = (uInt)piece;
        z.next_out = to;
        z.avail_out = (uInt)room;
        rc = inflate(&z, Z_NO_FLUSH);
        s->in += piece - z.avail_in;
        unpack_sink_commit(sink, room - z.avail_out);
        if (rc == Z_BUF_ERROR && z.avail_in == 0 && s->in == s->len)
            fail(s, sink, "truncated");
        else if (rc != Z_OK && rc != Z_STREAM_END)
            fail(s, sink, z.msg != NULL ? z.msg : "corrupt data");
    }
    s->ended = rc == Z_STREAM_END;
    inflateEnd(&z);
}

static void read_lzma(struct stream *s, struct unpack_sink *sink)
{
    lzma_stream z = LZMA_STREAM_INIT;
    lzma_ret rc = s->kind == XZ
                      ? lzma_stream_decoder(&z, LZMA_MEMLIMIT, 0)
                      : lzma_alone_decoder(&z, LZMA_MEMLIMIT);

    if (rc != LZMA_OK) {
        fail(s, sink, "cannot start liblzma");
        return;
    }
    while (rc == LZMA_OK) {
        size_t room, piece = in_piece(s, s->in);
        uint8_t *to = unpack_sink_reserve(sink, CHUNK, &room);
        if (to == NULL)
            break;
        z.next_in = s->data + s->in;
        z.avail_in = piece;
        z.next_out = to;
        z.avail_out = room;
        rc = lzma_code(&z, s->in + piece == s->len ? LZMA_FINISH : LZMA_RUN);
        s->in += piece - z.avail_in;
        unpack_sink_commit(sink, room - z.avail_out);
        if (rc == LZMA_MEMLIMIT_ERROR)
            fail(s, sink, "the stream asks for more than 256 MiB to decode");
        else if (rc == LZMA_BUF_ERROR)
            fail(s, sink, "truncated");
        else if (rc != LZMA_OK && rc != LZMA_STREAM_END)
            fail(s, sink, "corrupt data");
    }
    s->ended = rc == LZMA_STREAM_END;
    lzma_end(&z);
}

static void read_bzip2(struct stream *s, struct unpack_sink *sink)
{
    bz_stream z;
    int rc = BZ_OK;

    memset(&z, 0, sizeof(z));
    if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK) {
        fail(s, sink, "cannot start libbz2");
        return;
    }
    while (rc == BZ_OK) {
        size_t room, piece = in_piece(s, s->in);
        uint8_t *to = unpack_sink_reserve(sink, CHUNK, &room);
        if (to == NULL)
            break;
        z.next_in = (char *)(s->data + s->in);
        z.avail_in = (unsigned)piece;
        z.next_out = (char *)to;
        z.avail_out = (unsigned)room;
        rc = BZ2_bzDecompress(&z);
        s->in += piece - z.avail_in;
        unpack_sink_commit(sink, room - z.avail_out);
        if (rc == BZ_OK && z.avail_in == 0 && z.avail_out > 0 &&
            s->in == s->len)
            rc = BZ_UNEXPECTED_EOF;
        if (rc != BZ_OK && rc != BZ_STREAM_END)
            fail(s, sink, rc == BZ_UNEXPECTED_EOF ? "truncated"
                                                  : "corrupt data");
    }
    s->ended = rc == BZ_STREAM_END;
    BZ2_bzDecompressEnd(&z);
}

static void read_zstd(struct stream *s, struct unpack_sink *sink)
{
    ZSTD_DCtx *z = ZSTD_createDCtx();
    size_t rc = 1;

    if (z == NULL ||
        ZSTD_isError(ZSTD_DCtx_setParameter(z, ZSTD_d_windowLogMax,
                                            ZSTD_WINDOW_LOG_MAX))) {
        ZSTD_freeDCtx(z);
        fail(s, sink, "cannot start libzstd");
        return;
    }
    /* 0 is the end of the frame, flushed. */
    while (rc != 0) {
        size_t room;
        uint8_t *to = unpack_sink_reserve(sink, CHUNK, &room);
        ZSTD_inBuffer in = {s->data, s->len, s->in};
        ZSTD_outBuffer out = {to, room, 0};
        if (to == NULL)
            break;
        rc = ZSTD_decompressStream(z, &out, &in);
        s->in = in.pos;
        unpack_sink_commit(sink, out.pos);
        if (ZSTD_isError(rc)) {
            fail(s, sink, ZSTD_getErrorName(rc));
            break;
        }
        if (rc != 0 && in.pos == in.size && out.pos < out.size) {
            fail(s, sink, "truncated");
            break;
        }
    }
    s->ended = rc == 0;
    ZSTD_freeDCtx(z);
}

static void read_lz4(struct stream *s, struct unpack_sink *sink)
{
    LZ4F_dctx *z = NULL;
    size_t rc = 1;

    if (LZ4F_isError(LZ4F_createDecompressionContext(&z, LZ4F_VERSION))) {
        fail(s, sink, "cannot start liblz4");
        return;
    }
    /* 0 is the end of the frame. */
    while (rc != 0) {
        size_t room, in = s->len - s->in, out;
        uint8_t *to = unpack_sink_reserve(sink, CHUNK, &room);
        if (to == NULL)
            break;
        out = room;
        rc = LZ4F_decompress(z, to, &out, s->data + s->in, &in, NULL);
        s->in += in;
        unpack_sink_commit(sink, out);
        if (LZ4F_isError(rc)) {
            fail(s, sink, LZ4F_getErrorName(rc));
            break;
        }
        if (rc != 0 && s->in == s->len && out == 0) {
            fail(s, sink, "truncated");
            break;
        }
    }
    s->ended = rc == 0;
    LZ4F_freeDecompressionContext(z);
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct stream *s = state;

    switch (s->kind) {
    case GZIP: read_gzip(s, sink); break;
    case XZ:
    case LZMA: read_lzma(s, sink); break;
    case BZIP2: read_bzip2(s, sink); break;
    case ZSTD: read_zstd(s, sink); break;
    case LZ4: read_lz4(s, sink); break;
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
