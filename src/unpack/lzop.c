/*
 * lzop.c - see lzop.h.
 *
 * The file (big-endian throughout): a 9-byte magic; a header with the
 * version, the library version, from version 0x0940 the version needed to
 * extract, the method, from 0x0940 the level, flags, a filter word when
 * F_H_FILTER is set, mode, mtime (low, and high from 0x0940), the name
 * (a length byte and the bytes) and a checksum of the header from the
 * version on (Adler-32, or CRC-32 with F_H_CRC32); an extra field with
 * F_H_EXTRA_FIELD. Then blocks: the decompressed and compressed sizes
 * (0 ends the file), the checksums the flags ask for (of the decompressed
 * data; of the compressed data too when it is smaller), and the data,
 * stored as it is when both sizes are equal, else LZO1X. One unnamed
 * entry: the decompressed bytes. The header checksum must hold for the
 * data to be taken as lzop at all.
 */
#include "unpack/lzop.h"

#include <lzo/lzo1x.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/mem.h"

#define MAGIC "\x89LZO\x00\r\n\x1a\n"
#define MAGIC_LEN 9
#define F_ADLER32_D 0x00000001u
#define F_ADLER32_C 0x00000002u
#define F_H_EXTRA_FIELD 0x00000040u
#define F_CRC32_D 0x00000100u
#define F_CRC32_C 0x00000200u
#define F_H_FILTER 0x00000800u
#define F_H_CRC32 0x00001000u
/* lzop's own limit on a block's decompressed size. */
#define MAX_BLOCK (64u << 20)

struct lzop {
    struct bytes b;
    uint32_t flags;
    uint8_t method;
    uint64_t pos;    /* the next block header */
    uint8_t *block;  /* the last block decompressed */
    size_t block_len, block_given, block_cap;
    bool given;      /* the entry was given */
    bool done;       /* the end block, or an error */
    bool ended;      /* the end block was read */
    char error[96];
};

static uint32_t checksum(bool crc, const uint8_t *p, size_t n)
{
    uLong c = crc ? crc32(0, Z_NULL, 0) : adler32(0, Z_NULL, 0);

    while (n > 0) { /* zlib's lengths are 32-bit */
        uInt piece = n > (1u << 30) ? (1u << 30) : (uInt)n;
        c = crc ? crc32(c, p, piece) : adler32(c, p, piece);
        p += piece;
        n -= piece;
    }
    return (uint32_t)c;
}

/* Reads the header; false when data is not an lzop file. */
static bool header(struct lzop *z)
{
    struct bytes_cursor c;
    struct bytes skip;
    uint16_t version;
    uint64_t start = MAGIC_LEN, end;
    uint32_t sum;
    uint8_t name_len;

    bytes_cursor_init(&c, z->b);
    if (!bytes_cursor_take(&c, MAGIC_LEN, &skip))
        return false;
    version = (uint16_t)bytes_cursor_be(&c, 2);
    bytes_cursor_be(&c, 2); /* library version */
    if (version >= 0x0940)
        bytes_cursor_be(&c, 2); /* version needed to extract */
    z->method = (uint8_t)bytes_cursor_be(&c, 1);
    if (version >= 0x0940)
        bytes_cursor_be(&c, 1); /* level */
    z->flags = (uint32_t)bytes_cursor_be(&c, 4);
    if (z->flags & F_H_FILTER)
        bytes_cursor_be(&c, 4);
    bytes_cursor_be(&c, 4); /* mode */
    bytes_cursor_be(&c, 4); /* mtime */
    if (version >= 0x0940)
        bytes_cursor_be(&c, 4);
    name_len = (uint8_t)bytes_cursor_be(&c, 1);
    if (!bytes_cursor_take(&c, name_len, &skip) || c.failed)
        return false;
    end = c.off;
    sum = (uint32_t)bytes_cursor_be(&c, 4);
    if (c.failed || sum != checksum(z->flags & F_H_CRC32, z->b.p + start,
                                    (size_t)(end - start)))
        return false;
    if (z->flags & F_H_EXTRA_FIELD) {
        uint32_t n = (uint32_t)bytes_cursor_be(&c, 4);
        if (!bytes_cursor_take(&c, n, &skip))
            return false;
        bytes_cursor_be(&c, 4);
    }
    /* LZO1X-1, LZO1X-1(15) and LZO1X-999 all decode with lzo1x. */
    if (c.failed || z->method < 1 || z->method > 3)
        return false;
    z->pos = c.off;
    return true;
}

static enum unpack_result open_lzop(const uint8_t *data, size_t len,
                                    void **out, char *msg, size_t msg_len)
{
    struct lzop *z;

    (void)msg;
    (void)msg_len;
    if (len < MAGIC_LEN || memcmp(data, MAGIC, MAGIC_LEN) != 0)
        return UNPACK_NOT_CONTAINER;
    if (lzo_init() != LZO_E_OK)
        return UNPACK_NOT_CONTAINER;
    z = mem_calloc(1, sizeof(*z));
    if (z == NULL)
        return UNPACK_NOMEM;
    z->b = bytes_make(data, len);
    if (!header(z)) {
        mem_free(z);
        return UNPACK_NOT_CONTAINER;
    }
    *out = z;
    return UNPACK_OK;
}

static void close_lzop(void *state)
{
    struct lzop *z = state;

    if (z == NULL)
        return;
    mem_free(z->block);
    mem_free(z);
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct lzop *z = state;

    if (z->given)
        return UNPACK_END;
    z->given = true;
    memset(e, 0, sizeof(*e));
    e->path = "";
    e->unnamed = true;
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = -1;
    return UNPACK_OK;
}

static void fail(struct lzop *z, struct unpack_sink *sink, const char *what)
{
    snprintf(z->error, sizeof(z->error), "lzop: %s", what);
    z->done = true;
    unpack_sink_fail(sink);
}

/* Decodes the block at z->pos into z->block; false at the end or on an
   error (z->done). */
static bool next_block(struct lzop *z, struct unpack_sink *sink)
{
    struct bytes_cursor c;
    uint32_t dst_len, src_len, d_sum = 0;
    bool d_adler, d_crc;
    struct bytes src;
    lzo_uint out_len;

    bytes_cursor_init(&c, z->b);
    c.off = z->pos;
    dst_len = (uint32_t)bytes_cursor_be(&c, 4);
    if (!c.failed && dst_len == 0) {
        z->pos = c.off;
        z->done = z->ended = true;
        return false;
    }
    src_len = (uint32_t)bytes_cursor_be(&c, 4);
    d_adler = z->flags & F_ADLER32_D;
    d_crc = z->flags & F_CRC32_D;
    if (d_adler)
        d_sum = (uint32_t)bytes_cursor_be(&c, 4);
    if (d_crc)
        d_sum = (uint32_t)bytes_cursor_be(&c, 4); /* CRC wins if both */
    if (src_len < dst_len) {
        if (z->flags & F_ADLER32_C)
            bytes_cursor_be(&c, 4);
        if (z->flags & F_CRC32_C)
            bytes_cursor_be(&c, 4);
    }
    if (c.failed || !bytes_cursor_take(&c, src_len, &src)) {
        fail(z, sink, "truncated");
        return false;
    }
    if (dst_len > MAX_BLOCK || src_len > dst_len || src_len == 0) {
        fail(z, sink, "a block's sizes are impossible");
        return false;
    }
    if (z->block_cap < dst_len) {
        uint8_t *p = mem_realloc_array(z->block, dst_len, 1);
        if (p == NULL) {
            sink->stop = UNPACK_STOP_NOMEM;
            z->done = true;
            return false;
        }
        z->block = p;
        z->block_cap = dst_len;
    }
    out_len = dst_len;
    if (src_len == dst_len)
        memcpy(z->block, src.p, dst_len);
    else if (lzo1x_decompress_safe(src.p, src_len, z->block, &out_len, NULL) !=
                 LZO_E_OK ||
             out_len != dst_len) {
        fail(z, sink, "corrupt block");
        return false;
    }
    if ((d_adler || d_crc) && checksum(d_crc, z->block, dst_len) != d_sum) {
        fail(z, sink, "a block's checksum does not match");
        return false;
    }
    z->pos = c.off;
    z->block_len = dst_len;
    z->block_given = 0;
    return true;
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct lzop *z = state;

    for (;;) {
        size_t room;
        uint8_t *to;
        if (z->block_given == z->block_len &&
            (z->done || !next_block(z, sink)))
            return;
        to = unpack_sink_reserve(sink, z->block_len - z->block_given, &room);
        if (to == NULL)
            return;
        memcpy(to, z->block + z->block_given, room);
        unpack_sink_commit(sink, room);
        z->block_given += room;
    }
}

static const char *error(const void *state)
{
    const struct lzop *z = state;

    return z->error[0] ? z->error : "corrupt lzop file";
}

static uint64_t extent(const void *state)
{
    const struct lzop *z = state;

    return z->ended ? z->pos : 0;
}

static const struct unpack_magic magics[] = {{MAGIC, MAGIC_LEN, 0}};

const struct unpack_reader unpack_lzop = {
    .name = "lzop",
    .magics = magics,
    .n_magics = 1,
    .open = open_lzop,
    .close = close_lzop,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
};
