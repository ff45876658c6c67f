/*
 * trx.c - Broadcom's TRX firmware image (CFE boot loaders, OpenWrt's
 * brcm47xx and bcm53xx images, many routers' vendor firmware).
 *
 * The header, little-endian (OpenWrt's "TRX vs. TRX2 vs. BIN" page,
 * docs/techref/headers, and its trx tool, firmware-utils src/trx.c):
 * "HDR0", the image's length with the header, a CRC-32, 16 bits of flags
 * and 16 of version, then the offsets from the header's start of three
 * partitions in version 1 (the loader, the kernel, the root file system)
 * or four in version 2 (the fourth a BIN header). An offset of 0 is a
 * partition left out; each partition runs to the next one, the last to
 * the image's length. The CRC is the one of ISO 3309 (polynomial
 * 0xEDB88320, preset to all ones) without the final inversion, over the
 * bytes from the flags to the image's length; for version 2, the eight
 * bytes at 22 to 29 of the BIN header count as 0xFF (the trx tool and
 * CFE compute it so). One that does not match is an error on the last
 * partition, whose bytes are read all the same.
 */
#include "unpack/trx.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "unpack/image.h"

#define MAGIC 0x30524448u /* "HDR0" */
#define CRC_FROM 12
#define MAX_PARTS 4
#define BIN_FF_AT 22 /* the bytes of the BIN header taken as 0xFF */
#define BIN_FF_LEN 8

static const char *const part_names[MAX_PARTS] = {"loader", "kernel",
                                                  "rootfs", "binheader"};

struct trx {
    struct bytes data;
    uint32_t length, crc, version;
    uint32_t offsets[MAX_PARTS];
    unsigned n_slots; /* 3 or 4 */
    unsigned slot;    /* of the entry being read, + 1 */
    uint64_t given;   /* of it, by earlier reads */
    bool done;        /* its end was reached */
    unsigned last;    /* the last slot with a partition */
    bool crc_ok;      /* known when the image is whole */
    uint32_t crc_got;
    char error[160];
};

/* The partition in slot i: where it starts and ends. */
static void part_range(const struct trx *t, unsigned i, uint64_t *from,
                       uint64_t *to)
{
    *from = t->offsets[i];
    *to = t->length;
    for (unsigned j = i + 1; j < t->n_slots; j++) {
        if (t->offsets[j] != 0) {
            *to = t->offsets[j];
            break;
        }
    }
}

/* The image's CRC as the trx tool computes it (the data is whole). */
static uint32_t image_crc(const struct trx *t)
{
    const uint8_t *p = t->data.p;
    static const uint8_t ff[BIN_FF_LEN] = {0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff};
    uint64_t ff_at = t->offsets[3] + (uint64_t)BIN_FF_AT;
    uint32_t crc;

    if (t->version != 2 || t->offsets[3] == 0 ||
        ff_at + BIN_FF_LEN > t->length)
        return ~image_crc32(0, p + CRC_FROM, t->length - CRC_FROM);
    crc = image_crc32(0, p + CRC_FROM, (size_t)(ff_at - CRC_FROM));
    crc = image_crc32(crc, ff, sizeof(ff));
    crc = image_crc32(crc, p + ff_at + BIN_FF_LEN,
                         (size_t)(t->length - ff_at - BIN_FF_LEN));
    return ~crc;
}

/*
 * The header must hold: version 1 or 2, a length past the header, and
 * partitions that start after the header, before the length, in
 * increasing order, at least one.
 */
static bool header_ok(struct trx *t)
{
    struct bytes b = t->data;
    uint32_t magic = 0, header_len;
    uint16_t version = 0;
    uint32_t prev = 0;
    bool any = false;

    if (!bytes_u32le(b, 0, &magic) || magic != MAGIC ||
        !bytes_u16le(b, 14, &version) || (version != 1 && version != 2))
        return false;
    t->version = version;
    t->n_slots = version == 1 ? 3 : 4;
    header_len = 16 + 4 * t->n_slots;
    if (!bytes_u32le(b, 4, &t->length) || !bytes_u32le(b, 8, &t->crc) ||
        t->length <= header_len)
        return false;
    for (unsigned i = 0; i < t->n_slots; i++) {
        uint32_t off;
        if (!bytes_u32le(b, 16 + 4 * (uint64_t)i, &off))
            return false;
        t->offsets[i] = off;
        if (off == 0)
            continue;
        if (off < header_len || off >= t->length || off <= prev)
            return false;
        prev = off;
        t->last = i;
        any = true;
    }
    return any;
}

static enum unpack_result open_trx(const uint8_t *data, size_t len,
                                   void **out, char *msg, size_t msg_len)
{
    struct trx *t = mem_calloc(1, sizeof(*t));

    (void)msg;
    (void)msg_len;
    if (t == NULL)
        return UNPACK_NOMEM;
    t->data = bytes_make(data, len);
    if (!header_ok(t)) {
        mem_free(t);
        return UNPACK_NOT_CONTAINER;
    }
    if (t->length <= len) {
        t->crc_got = image_crc(t);
        t->crc_ok = t->crc_got == t->crc;
    }
    *out = t;
    return UNPACK_OK;
}

static void close_trx(void *state)
{
    mem_free(state);
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct trx *t = state;
    uint64_t from, to;

    while (t->slot < t->n_slots && t->offsets[t->slot] == 0)
        t->slot++;
    if (t->slot == t->n_slots)
        return UNPACK_END;
    part_range(t, t->slot, &from, &to);
    memset(e, 0, sizeof(*e));
    e->path = part_names[t->slot];
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = (int64_t)(to - from);
    t->slot++;
    t->given = 0;
    t->done = false;
    return UNPACK_OK;
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct trx *t = state;
    unsigned i = t->slot - 1;
    uint64_t from, to, have;

    if (t->done)
        return;
    part_range(t, i, &from, &to);
    have = from < t->data.len ? t->data.len - from : 0;
    if (have > to - from)
        have = to - from;
    if (!image_put(sink, have > 0 ? t->data.p + from : NULL, have,
                   &t->given))
        return;
    t->done = true;
    if (have < to - from) {
        snprintf(t->error, sizeof(t->error),
                 "trx: truncated: the header gives %" PRIu32
                 " bytes, %zu are there",
                 t->length, t->data.len);
        unpack_sink_fail(sink);
    } else if (i == t->last && !t->crc_ok) {
        snprintf(t->error, sizeof(t->error),
                 "trx: the image's CRC-32 is 0x%08" PRIx32
                 ", the header gives 0x%08" PRIx32,
                 t->crc_got, t->crc);
        unpack_sink_fail(sink);
    }
}

static const char *error(const void *state)
{
    const struct trx *t = state;

    return t->error[0] ? t->error : "trx: corrupt image";
}

static uint64_t extent(const void *state)
{
    const struct trx *t = state;

    return t->length <= t->data.len ? t->length : 0;
}

/* A CRC that matches: no chance. */
static bool verified(const void *state)
{
    const struct trx *t = state;

    return t->crc_ok;
}

static const struct unpack_magic magics[] = {{"HDR0", 4, 0}};

const struct unpack_reader unpack_trx = {
    .name = "trx",
    .magics = magics,
    .n_magics = 1,
    .open = open_trx,
    .close = close_trx,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
    .verified = verified,
};
