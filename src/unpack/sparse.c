/*
 * sparse.c - Android's sparse image (what fastboot flashes, img2simg
 * writes): a raw partition image stored as chunks, runs of blocks that are
 * data, a 4-byte fill value repeated, or left out.
 *
 * The layout (AOSP system/core libsparse, sparse_format.h), little-endian:
 * a file header of magic 0xED26FF3A, major version 1, minor version,
 * file_hdr_sz (28 or more), chunk_hdr_sz (12 or more), blk_sz (a multiple
 * of 4), total_blks, total_chunks and image_checksum; then total_chunks
 * chunks, each a header of chunk_type, a reserved half-word, chunk_sz (in
 * blocks) and total_sz (bytes with the header), then its data: RAW
 * (0xCAC1) chunk_sz * blk_sz bytes, FILL (0xCAC2) a 32-bit value to repeat,
 * DONT_CARE (0xCAC3) nothing (the blocks read as zeros), CRC32 (0xCAC4) the
 * CRC-32 of the image expanded so far. image_checksum, when not 0, is that
 * of the whole image (don't-care blocks as zeros).
 *
 * One unnamed entry: the image expanded to blk_sz * total_blks bytes,
 * written piece by piece into the sink, which holds the limits (a header
 * declaring terabytes of don't-care blocks stops at the entry, ratio and
 * time limits like any bomb). A CRC that does not match is an error after
 * the bytes were given; a chunk that cannot be read ends the entry with
 * one, and so do chunks that hold fewer blocks than the header gives
 * (libsparse refuses such an image).
 */
#include "unpack/sparse.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "unpack/image.h"

#define MAGIC 0xED26FF3Au
#define FILE_HEADER_LEN 28
#define CHUNK_HEADER_LEN 12
#define RAW 0xCAC1
#define FILL 0xCAC2
#define DONT_CARE 0xCAC3
#define CRC32 0xCAC4
#define PIECE (64u * 1024)

struct chunk {
    uint16_t type;
    uint64_t at;   /* of its header in the data */
    uint64_t size; /* total_sz: bytes in the data with the header */
    uint64_t len;  /* expanded bytes */
    uint8_t fill[4];
    uint32_t crc;  /* of a CRC32 chunk */
};

struct sparse {
    struct bytes data;
    uint32_t blk_sz, total_blks, total_chunks, image_crc;
    uint16_t file_hdr_sz, chunk_hdr_sz;
    uint64_t size;   /* blk_sz * total_blks */
    uint64_t extent; /* see walk() */
    bool need_crc;   /* a CRC32 chunk or an image checksum to check */
    /* Reading: chunk n_chunk (cur) expanded up to pos; out bytes of the
       image given; the CRC of those. */
    bool ended, done, have;
    uint32_t n_chunk;
    uint64_t next_at; /* the next chunk's header */
    struct chunk cur;
    uint64_t pos, out;
    uint32_t crc;
    char crc_error[128]; /* a CRC32 chunk that did not match */
    char error[160];
};

/* The chunk whose header is at c->at; NULL when it is fine, else why not. */
static const char *read_chunk(const struct sparse *s, struct chunk *c)
{
    uint16_t type = 0;
    uint32_t blocks = 0, total = 0;
    uint64_t body;

    if (!bytes_u16le(s->data, c->at, &type) ||
        !bytes_u32le(s->data, c->at + 4, &blocks) ||
        !bytes_u32le(s->data, c->at + 8, &total) ||
        !bytes_has(s->data, c->at, s->chunk_hdr_sz))
        return "truncated in a chunk header";
    if (total < s->chunk_hdr_sz)
        return "a chunk's total_sz is smaller than its header";
    c->type = type;
    c->size = total;
    c->len = (uint64_t)blocks * s->blk_sz;
    body = total - s->chunk_hdr_sz;
    switch (type) {
    case RAW:
        if (body != c->len)
            return "a raw chunk's total_sz is not its header and blocks";
        return NULL;
    case FILL:
    case CRC32:
        if (body != 4)
            return "a fill or CRC32 chunk does not hold 4 bytes";
        if (!bytes_copy(s->data, c->at + s->chunk_hdr_sz, c->fill, 4))
            return "truncated in a chunk";
        c->crc = (uint32_t)c->fill[0] | (uint32_t)c->fill[1] << 8 |
                 (uint32_t)c->fill[2] << 16 | (uint32_t)c->fill[3] << 24;
        if (type == CRC32)
            c->len = 0;
        return NULL;
    case DONT_CARE:
        if (body != 0)
            return "a don't-care chunk holds data";
        return NULL;
    default: return "a chunk of unknown type";
    }
}

/*
 * Walks the chunk headers: the extent (the end of the last chunk, or of
 * the last whole one before a chunk that is damaged or runs past the
 * data, where carving goes on), and whether a CRC32 chunk is met.
 */
static void walk(struct sparse *s)
{
    uint64_t at = s->file_hdr_sz;

    s->extent = at <= s->data.len ? at : s->data.len;
    for (uint32_t i = 0; i < s->total_chunks; i++) {
        struct chunk c = {.at = at};
        if (read_chunk(s, &c) != NULL)
            return;
        if (c.type == CRC32)
            s->need_crc = true;
        at += c.size;
        if (at > s->data.len)
            return;
        s->extent = at;
    }
}

static enum unpack_result open_sparse(const uint8_t *data, size_t len,
                                      void **out, char *msg, size_t msg_len)
{
    struct bytes b = bytes_make(data, len);
    uint32_t magic = 0;
    uint16_t major = 0;
    struct sparse *s;

    (void)msg;
    (void)msg_len;
    if (!bytes_u32le(b, 0, &magic) || magic != MAGIC ||
        !bytes_u16le(b, 4, &major) || major != 1 ||
        !bytes_has(b, 0, FILE_HEADER_LEN))
        return UNPACK_NOT_CONTAINER;
    s = mem_calloc(1, sizeof(*s));
    if (s == NULL)
        return UNPACK_NOMEM;
    s->data = b;
    bytes_u16le(b, 8, &s->file_hdr_sz);
    bytes_u16le(b, 10, &s->chunk_hdr_sz);
    bytes_u32le(b, 12, &s->blk_sz);
    bytes_u32le(b, 16, &s->total_blks);
    bytes_u32le(b, 20, &s->total_chunks);
    bytes_u32le(b, 24, &s->image_crc);
    if (s->file_hdr_sz < FILE_HEADER_LEN ||
        s->chunk_hdr_sz < CHUNK_HEADER_LEN || s->blk_sz == 0 ||
        s->blk_sz % 4 != 0) {
        mem_free(s);
        return UNPACK_NOT_CONTAINER;
    }
    s->size = (uint64_t)s->blk_sz * s->total_blks; /* < 2^64 */
    s->need_crc = s->image_crc != 0;
    walk(s);
    *out = s;
    return UNPACK_OK;
}

static void close_sparse(void *state)
{
    mem_free(state);
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct sparse *s = state;

    if (s->ended)
        return UNPACK_END;
    s->ended = true;
    memset(e, 0, sizeof(*e));
    e->path = "";
    e->unnamed = true;
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = s->size > INT64_MAX ? -1 : (int64_t)s->size;
    s->next_at = s->file_hdr_sz;
    return UNPACK_OK;
}

static void fail(struct sparse *s, struct unpack_sink *sink, const char *what)
{
    snprintf(s->error, sizeof(s->error), "sparse: %s", what);
    s->done = true;
    unpack_sink_fail(sink);
}

/* Takes the next chunk header; false (the sink failed) when it cannot. */
static bool start_chunk(struct sparse *s, struct unpack_sink *sink)
{
    struct chunk *c = &s->cur;
    const char *why;
    char what[128];

    memset(c, 0, sizeof(*c));
    s->pos = 0;
    if (s->n_chunk == s->total_chunks) {
        snprintf(what, sizeof(what),
                 "the chunks hold %" PRIu64 " of the header's %" PRIu32
                 " blocks",
                 s->out / s->blk_sz, s->total_blks);
        fail(s, sink, what);
        return false;
    }
    c->at = s->next_at;
    why = read_chunk(s, c);
    if (why != NULL) {
        snprintf(what, sizeof(what), "chunk %" PRIu32 " at 0x%" PRIx64 ": %s",
                 s->n_chunk, c->at, why);
        fail(s, sink, what);
        return false;
    }
    if (c->len > s->size - s->out) {
        snprintf(what, sizeof(what),
                 "chunk %" PRIu32 " runs past the %" PRIu32
                 " blocks of the header",
                 s->n_chunk, s->total_blks);
        fail(s, sink, what);
        return false;
    }
    if (c->type == CRC32 && c->crc != s->crc && s->crc_error[0] == '\0')
        snprintf(s->crc_error, sizeof(s->crc_error),
                 "the CRC32 chunk at 0x%" PRIx64 " gives 0x%08" PRIx32
                 ", the image up to it has 0x%08" PRIx32,
                 c->at, c->crc, s->crc);
    s->n_chunk++;
    s->next_at = c->at + c->size;
    s->have = true;
    return true;
}

/* Gives up to PIECE bytes of a fill or zero chunk; what was taken. */
static uint64_t put_fill(struct sparse *s, struct unpack_sink *sink,
                         uint64_t n)
{
    static const uint8_t zero[4]; /* don't-care blocks */
    const uint8_t *v = s->cur.type == FILL ? s->cur.fill : zero;
    size_t room;
    uint8_t *to = unpack_sink_reserve(sink, (size_t)n, &room);

    if (to == NULL)
        return 0;
    /* A chunk starts at a block, blocks are multiples of 4: the value's
       byte at image offset k is v[k % 4]. */
    for (size_t i = 0; i < room; i++)
        to[i] = v[(s->pos + i) % 4];
    if (s->need_crc)
        s->crc = image_crc32(s->crc, to, room);
    unpack_sink_commit(sink, room);
    return room;
}

/* Gives up to n bytes of a raw chunk; what was taken (the sink fails
   when the data ends first). */
static uint64_t put_raw(struct sparse *s, struct unpack_sink *sink,
                        uint64_t n)
{
    uint64_t from = s->cur.at + s->chunk_hdr_sz + s->pos;
    uint64_t have = from < s->data.len ? s->data.len - from : 0;
    uint64_t before = sink->total, taken;

    if (have == 0) {
        fail(s, sink, "truncated in a raw chunk");
        return 0;
    }
    if (have < n)
        n = have;
    unpack_sink_put(sink, s->data.p + from, (size_t)n);
    taken = sink->total - before;
    if (s->need_crc)
        s->crc = image_crc32(s->crc, s->data.p + from, (size_t)taken);
    return taken;
}

/* The end of the image: the checksums. */
static void finish(struct sparse *s, struct unpack_sink *sink)
{
    char what[128];

    s->done = true;
    if (s->crc_error[0] != '\0') {
        fail(s, sink, s->crc_error);
    } else if (s->image_crc != 0 && s->crc != s->image_crc) {
        snprintf(what, sizeof(what),
                 "the image's CRC-32 is 0x%08" PRIx32
                 ", the header gives 0x%08" PRIx32,
                 s->crc, s->image_crc);
        fail(s, sink, what);
    }
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct sparse *s = state;

    while (!s->done) {
        uint64_t n, taken;
        if (!s->have && s->n_chunk == s->total_chunks && s->out == s->size) {
            finish(s, sink);
            return;
        }
        if (!s->have && !start_chunk(s, sink))
            return;
        n = s->cur.len - s->pos;
        if (n > PIECE)
            n = PIECE;
        if (n == 0) {
            s->have = false;
            continue;
        }
        taken = s->cur.type == RAW ? put_raw(s, sink, n)
                                   : put_fill(s, sink, n);
        s->pos += taken;
        s->out += taken;
        if (s->done || unpack_sink_stopped(sink))
            return;
        if (taken == 0) /* asked for more with a full sink: cut */
            return;
    }
}

static const char *error(const void *state)
{
    const struct sparse *s = state;

    return s->error[0] ? s->error : "sparse: corrupt image";
}

static uint64_t extent(const void *state)
{
    const struct sparse *s = state;

    return s->extent;
}

/* Magic, major version, header sizes and block size: no chance. */
static bool verified(const void *state)
{
    (void)state;
    return true;
}

static const struct unpack_magic magics[] = {{"\x3a\xff\x26\xed", 4, 0}};

const struct unpack_reader unpack_sparse = {
    .name = "sparse",
    .magics = magics,
    .n_magics = 1,
    .open = open_sparse,
    .close = close_sparse,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
    .verified = verified,
};
