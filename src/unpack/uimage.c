/*
 * uimage.c - U-Boot's legacy image: a 64-byte big-endian header, then the
 * payload (a kernel, a ramdisk, a script, often compressed).
 *
 * The header (U-Boot's include/image.h, struct legacy_img_hdr): magic
 * 0x27051956, a CRC-32 of the header taken with that field zeroed, a
 * time stamp, the data size, load and entry addresses, a CRC-32 of the
 * data, then one byte each of OS, architecture, image type and
 * compression, and a 32-byte name. A multi-file image (type 4) starts its
 * data with a table of big-endian 32-bit sizes ended by a zero; each
 * image follows at a 4-byte boundary. The header's CRC is what makes a
 * uImage: one that does not match is no uImage. A data CRC that does not
 * match is an error on the last entry, whose bytes are read all the same.
 */
#include "unpack/uimage.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "unpack/image.h"

#define HEADER_LEN 64
#define MAGIC 0x27051956u
#define TYPE_MULTI 4
#define NAME_AT 32
#define NAME_LEN 32

struct uimage {
    struct bytes data;   /* the whole input */
    uint64_t size;       /* of the payload, from the header */
    uint32_t data_crc;   /* from the header */
    bool multi;
    uint32_t n_parts;    /* of a multi-file image */
    const char *table_error; /* its table is not whole, or NULL */
    char name[NAME_LEN + 1];
    char path[NAME_LEN + 16];
    /* The entry being read: the payload, or image part - 1 of a
       multi-file image, at pos in the data for len bytes. */
    uint32_t part;
    uint64_t pos, len;
    uint64_t given; /* of it, by earlier reads */
    bool done;      /* its end was reached */
    bool last, ended;
    char error[160];
};

/* The payload's end as the header gives it: the data may end before. */
static uint64_t payload_end(const struct uimage *u)
{
    return HEADER_LEN + u->size;
}

/* Counts the sizes of a multi-file table up to its zero. */
static void read_table(struct uimage *u)
{
    uint32_t v = 1;

    for (uint64_t at = HEADER_LEN;; at += 4) {
        if (at + 4 > payload_end(u)) {
            u->table_error = "the multi-file table has no end in the payload";
            return;
        }
        if (!bytes_u32be(u->data, at, &v)) {
            u->table_error = "truncated in the multi-file table";
            return;
        }
        if (v == 0) {
            u->pos = at + 4; /* where the first image starts */
            return;
        }
        u->n_parts++;
    }
}

static enum unpack_result open_uimage(const uint8_t *data, size_t len,
                                      void **out, char *msg, size_t msg_len)
{
    struct bytes b = bytes_make(data, len);
    uint8_t header[HEADER_LEN];
    uint32_t magic = 0, hcrc = 0, size = 0, dcrc = 0;
    size_t name_len;
    struct uimage *u;

    (void)msg;
    (void)msg_len;
    if (!bytes_u32be(b, 0, &magic) || magic != MAGIC ||
        !bytes_copy(b, 0, header, sizeof(header)))
        return UNPACK_NOT_CONTAINER;
    bytes_u32be(b, 4, &hcrc);
    memset(header + 4, 0, 4);
    if (image_crc32(0, header, sizeof(header)) != hcrc)
        return UNPACK_NOT_CONTAINER;
    bytes_u32be(b, 12, &size);
    bytes_u32be(b, 24, &dcrc);
    u = mem_calloc(1, sizeof(*u));
    if (u == NULL)
        return UNPACK_NOMEM;
    u->data = b;
    u->size = size;
    u->data_crc = dcrc;
    u->multi = header[30] == TYPE_MULTI;
    bytes_cstr(b, NAME_AT, NAME_LEN, &name_len);
    memcpy(u->name, data + NAME_AT, name_len);
    u->name[name_len] = '\0';
    u->pos = HEADER_LEN;
    if (u->multi)
        read_table(u);
    *out = u;
    return UNPACK_OK;
}

static void close_uimage(void *state)
{
    mem_free(state);
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct uimage *u = state;
    uint32_t len = 0;

    if (u->ended)
        return UNPACK_END;
    memset(e, 0, sizeof(*e));
    u->given = 0;
    u->done = false;
    if (u->multi && u->table_error != NULL) {
        snprintf(u->error, sizeof(u->error), "uimage: %s", u->table_error);
        u->ended = true;
        return UNPACK_FATAL;
    }
    if (u->multi) {
        if (u->part == u->n_parts)
            return UNPACK_END;
        bytes_u32be(u->data, HEADER_LEN + 4 * (uint64_t)u->part, &len);
        if (u->part > 0) /* after the image before, rounded up to 4 */
            u->pos += (u->len + 3) & ~(uint64_t)3;
        u->len = len;
        u->last = u->part + 1 == u->n_parts;
        snprintf(u->path, sizeof(u->path), "%s%s%u", u->name,
                 u->name[0] ? "/" : "", u->part);
        u->part++;
        e->path = u->path;
    } else {
        u->ended = u->last = true;
        u->len = u->size;
        e->path = u->name;
        e->unnamed = u->name[0] == '\0';
    }
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = (int64_t)u->len;
    return UNPACK_OK;
}

static void fail(struct uimage *u, struct unpack_sink *sink, const char *what)
{
    snprintf(u->error, sizeof(u->error), "uimage: %s", what);
    unpack_sink_fail(sink);
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct uimage *u = state;
    uint64_t have = u->pos < u->data.len ? u->data.len - u->pos : 0;
    uint64_t n = have < u->len ? have : u->len;
    uint32_t crc;
    char what[128];

    if (u->done)
        return;
    if (u->pos + u->len > payload_end(u)) {
        u->done = true;
        fail(u, sink, "an image of the multi-file table runs past the "
                      "payload");
        return;
    }
    if (!image_put(sink, n > 0 ? u->data.p + u->pos : NULL, n, &u->given))
        return;
    u->done = true;
    if (n < u->len || (u->last && payload_end(u) > u->data.len)) {
        snprintf(what, sizeof(what),
                 "truncated: the header gives %" PRIu64 " bytes of data, "
                 "%zu are there",
                 u->size, u->data.len - HEADER_LEN);
        fail(u, sink, what);
        return;
    }
    if (!u->last)
        return;
    crc = image_crc32(0, u->data.p + HEADER_LEN, (size_t)u->size);
    if (crc != u->data_crc) {
        snprintf(what, sizeof(what),
                 "the data's CRC-32 is 0x%08x, the header gives 0x%08x",
                 crc, u->data_crc);
        fail(u, sink, what);
    }
}

static const char *error(const void *state)
{
    const struct uimage *u = state;

    return u->error[0] ? u->error : "uimage: corrupt image";
}

static uint64_t extent(const void *state)
{
    const struct uimage *u = state;

    return payload_end(u) <= u->data.len ? payload_end(u) : 0;
}

/* The header's CRC was checked. */
static bool verified(const void *state)
{
    (void)state;
    return true;
}

static const struct unpack_magic magics[] = {{"\x27\x05\x19\x56", 4, 0}};

const struct unpack_reader unpack_uimage = {
    .name = "uimage",
    .magics = magics,
    .n_magics = 1,
    .open = open_uimage,
    .close = close_uimage,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
    .verified = verified,
};
