/*
 * ubi.c - UBI images (Linux's Unsorted Block Images: what ubinize writes
 * and raw NAND dumps of UBI partitions hold).
 *
 * The layout (Linux's include/uapi/mtd/ubi-media.h, and the "UBI - Unsorted
 * Block Images" design document of the MTD project), big-endian: the image
 * is a run of physical eraseblocks (PEBs) of one size, which no header
 * gives: it is the distance from the first erase-counter header to the
 * next. A PEB starts with the erase-counter (EC) header, 64 bytes: "UBI#",
 * version 1, the erase count, the offsets of the VID header and of the
 * data in the PEB, the image sequence number, a CRC-32 of its first 60
 * bytes. At the VID offset, the volume identifier (VID) header, 64 bytes:
 * "UBI!", version, volume type (1 dynamic, 2 static), copy flag, compat,
 * volume id, logical eraseblock (LEB) number, data_size, used_ebs, data_pad
 * and data_crc (static volumes), the sequence number (64 bits), a CRC-32
 * of its first 60 bytes. A PEB without a VID header (all 0xFF there) is
 * free. The CRCs are ISO 3309's polynomial, preset to all ones, without
 * the final inversion. The volume table is the layout volume (id
 * 0x7FFFEFFF), two LEBs each holding one 172-byte record per volume id:
 * reserved_pebs, alignment, data_pad, type, update marker, name length,
 * the name (128 bytes), flags, and a CRC-32 of the first 168 bytes.
 *
 * Each volume is one entry, named by the table (volume-ID when the table
 * has no record of it): its LEBs in order, each the data of the PEB that
 * maps it with the highest sequence number. A dynamic volume runs to its
 * last mapped LEB, each LEB the PEB's size less the data offset and
 * data_pad, and an unmapped LEB before it reads as 0xFF (as UBI reads it);
 * a static volume is data_size bytes of each of its used_ebs LEBs, each
 * LEB's data CRC checked. The audit opens each volume in turn (UBIFS,
 * SquashFS, ...). Headers whose CRC fails are left out and reported (on the
 * volume, or on the last one), a static LEB whose data CRC fails or that
 * is missing, and a PEB cut short by the end of the data, are errors after
 * the bytes. Extent: the PEBs with an EC header (or erased, all 0xFF)
 * from the first on.
 */
#include "unpack/ubi.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "unpack/image.h"

#define EC_MAGIC 0x55424923u  /* "UBI#" */
#define VID_MAGIC 0x55424921u /* "UBI!" */
#define HDR_LEN 64
#define HDR_CRC_LEN 60
#define LAYOUT_VOL 0x7FFFEFFFu
#define MAX_VOLUMES 128
#define VTBL_RECORD 172
#define VTBL_CRC_LEN 168
#define NAME_MAX_LEN 127
#define STATIC 2
#define MIN_PEB 512
#define PIECE (64u * 1024)

struct leb {
    uint32_t vol, lnum;
    uint64_t sqnum;
    uint64_t at;  /* of its data in the image */
    uint64_t len; /* dynamic: the LEB's size; static: data_size */
    uint32_t data_crc, used_ebs;
    uint8_t type;
};

struct volume {
    uint32_t id;
    char name[16 + 3 * NAME_MAX_LEN];
    uint8_t type;      /* from the table, else the VID headers */
    uint32_t reserved; /* LEBs the table reserves; 0: not known */
    size_t first, n;   /* its LEBs in lebs[], by LEB number */
    uint64_t leb_size; /* of a dynamic volume's LEB */
    uint32_t end;      /* LEB numbers it runs to (exclusive) */
};

struct ubi {
    struct bytes data;
    uint64_t peb;   /* bytes of a PEB */
    uint64_t n_pebs;
    uint64_t extent;
    struct leb *lebs;
    size_t n_lebs, cap;
    struct volume vols[MAX_VOLUMES + 1];
    unsigned n_vols;
    char problem[160]; /* about the image: given on the last volume */
    bool told;         /* problem, or a volume's, was given */
    /* Reading volume cur - 1: LEB lnum from pos; j indexes its LEBs. */
    unsigned cur;
    uint32_t lnum;
    uint64_t pos;
    size_t j;
    bool done;
    char vol_problem[160];
    char error[200];
};

/* UBI's CRC-32: ISO 3309's, preset to all ones, not inverted at the end. */
static uint32_t ubi_crc(const uint8_t *p, size_t n)
{
    return ~image_crc32(0, p, n);
}

static void note(char *buf, size_t len, const char *what, uint64_t at)
{
    if (buf[0] == '\0')
        snprintf(buf, len, "%s at 0x%" PRIx64, what, at);
}

/* Whether the 64-byte header at at has magic and its CRC holds. */
static bool header_ok(struct bytes b, uint64_t at, uint32_t magic,
                      bool *magic_seen)
{
    struct bytes h;
    uint32_t m = 0, crc = 0;
    uint8_t version = 0;

    *magic_seen = false;
    if (!bytes_slice(b, at, HDR_LEN, &h) || !bytes_u32be(h, 0, &m) ||
        m != magic)
        return false;
    *magic_seen = true;
    bytes_u8(h, 4, &version);
    bytes_u32be(h, HDR_CRC_LEN, &crc);
    return version == 1 && ubi_crc(h.p, HDR_CRC_LEN) == crc;
}

/* The PEB size: the distance to the next EC header whose CRC holds, or
   the data when there is none (an image of one PEB). */
static uint64_t find_peb_size(struct bytes b, uint64_t from)
{
    uint64_t at = from;

    while (at + HDR_LEN <= b.len) {
        const uint8_t *hit = memmem(b.p + at, b.len - at, "UBI#", 4);
        bool seen;
        if (hit == NULL)
            break;
        at = (uint64_t)(hit - b.p);
        if (at % MIN_PEB == 0 && header_ok(b, at, EC_MAGIC, &seen))
            return at;
        at++;
    }
    return b.len;
}

/* Whether the n bytes at at are all 0xFF (erased flash). */
static bool erased(struct bytes b, uint64_t at, uint64_t n)
{
    uint8_t c = 0;

    for (uint64_t i = 0; i < n; i++)
        if (!bytes_u8(b, at + i, &c) || c != 0xff)
            return false;
    return true;
}

static bool add_leb(struct ubi *u, const struct leb *l)
{
    if (u->n_lebs == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 64;
        struct leb *more = mem_realloc_array(u->lebs, cap, sizeof(*more));
        if (more == NULL)
            return false;
        u->lebs = more;
        u->cap = cap;
    }
    u->lebs[u->n_lebs++] = *l;
    return true;
}

/* The PEB at at: its LEB, if it maps one. False when out of memory. */
static bool read_peb(struct ubi *u, uint64_t at)
{
    struct bytes b = u->data;
    uint32_t vid_off = 0, data_off = 0, v32 = 0, data_size = 0, pad = 0;
    struct leb l;
    bool seen;

    if (!header_ok(b, at, EC_MAGIC, &seen)) {
        note(u->problem, sizeof(u->problem),
             "an erase-counter header's CRC fails", at);
        return true;
    }
    bytes_u32be(b, at + 16, &vid_off);
    bytes_u32be(b, at + 20, &data_off);
    if ((uint64_t)vid_off + HDR_LEN > data_off || data_off >= u->peb) {
        note(u->problem, sizeof(u->problem),
             "an erase-counter header with offsets outside its PEB", at);
        return true;
    }
    if (!header_ok(b, at + vid_off, VID_MAGIC, &seen)) {
        if (seen)
            note(u->problem, sizeof(u->problem),
                 "a volume identifier header's CRC fails", at + vid_off);
        return true; /* else a free PEB */
    }
    memset(&l, 0, sizeof(l));
    bytes_u8(b, at + vid_off + 5, &l.type);
    bytes_u32be(b, at + vid_off + 8, &l.vol);
    bytes_u32be(b, at + vid_off + 12, &l.lnum);
    bytes_u32be(b, at + vid_off + 20, &data_size);
    bytes_u32be(b, at + vid_off + 24, &l.used_ebs);
    bytes_u32be(b, at + vid_off + 28, &pad);
    bytes_u32be(b, at + vid_off + 32, &l.data_crc);
    bytes_u32be(b, at + vid_off + 40, &v32);
    l.sqnum = (uint64_t)v32 << 32;
    bytes_u32be(b, at + vid_off + 44, &v32);
    l.sqnum |= v32;
    l.at = at + data_off;
    l.len = u->peb - data_off;
    if (l.type == STATIC ? data_size > l.len : pad > l.len) {
        note(u->problem, sizeof(u->problem),
             "a volume identifier header with sizes past its PEB", at);
        return true;
    }
    l.len = l.type == STATIC ? data_size : l.len - pad;
    return add_leb(u, &l);
}

/* By volume, LEB number, then the highest sequence number first. */
static int by_leb(const void *x, const void *y)
{
    const struct leb *a = x, *b = y;

    if (a->vol != b->vol)
        return a->vol < b->vol ? -1 : 1;
    if (a->lnum != b->lnum)
        return a->lnum < b->lnum ? -1 : 1;
    return a->sqnum > b->sqnum ? -1 : a->sqnum < b->sqnum;
}

/* Keeps the newest copy of each LEB. */
static void newest_only(struct ubi *u)
{
    size_t n = 0;

    if (u->n_lebs == 0)
        return;
    qsort(u->lebs, u->n_lebs, sizeof(u->lebs[0]), by_leb);
    for (size_t i = 0; i < u->n_lebs; i++) {
        if (n > 0 && u->lebs[n - 1].vol == u->lebs[i].vol &&
            u->lebs[n - 1].lnum == u->lebs[i].lnum)
            continue;
        u->lebs[n++] = u->lebs[i];
    }
    u->n_lebs = n;
}

static struct volume *volume(struct ubi *u, uint32_t id)
{
    for (unsigned i = 0; i < u->n_vols; i++)
        if (u->vols[i].id == id)
            return &u->vols[i];
    if (u->n_vols == MAX_VOLUMES + 1)
        return NULL;
    memset(&u->vols[u->n_vols], 0, sizeof(u->vols[0]));
    u->vols[u->n_vols].id = id;
    snprintf(u->vols[u->n_vols].name, sizeof(u->vols[0].name),
             "volume-%" PRIu32, id);
    return &u->vols[u->n_vols++];
}

/* A table record's name: bytes other than printable ASCII and '%' as
   %XX. */
static void record_name(struct volume *v, struct bytes rec)
{
    uint16_t n = 0;
    size_t len = 0;
    uint8_t c = 0;

    bytes_u16be(rec, 14, &n);
    if (n == 0 || n > NAME_MAX_LEN)
        return;
    for (uint16_t k = 0; k < n && bytes_u8(rec, 16 + (uint64_t)k, &c); k++) {
        if (c > 0x20 && c < 0x7f && c != '%')
            v->name[len++] = (char)c;
        else
            len += (size_t)snprintf(v->name + len, sizeof(v->name) - len,
                                    "%%%02X", c);
    }
    v->name[len] = '\0';
}

/* The volume table from the layout volume's first LEB whose records'
   CRCs hold (it keeps two copies). */
static void volume_table(struct ubi *u)
{
    for (size_t i = 0; i < u->n_lebs; i++) {
        const struct leb *l = &u->lebs[i];
        struct bytes tbl;
        bool good = true;
        uint64_t n;
        if (l->vol != LAYOUT_VOL || l->lnum > 1 ||
            !bytes_slice(u->data, l->at, l->len, &tbl))
            continue;
        n = tbl.len / VTBL_RECORD;
        if (n > MAX_VOLUMES)
            n = MAX_VOLUMES;
        for (uint64_t r = 0; r < n && good; r++) {
            uint32_t crc = 0;
            bytes_u32be(tbl, r * VTBL_RECORD + VTBL_CRC_LEN, &crc);
            good = ubi_crc(tbl.p + r * VTBL_RECORD, VTBL_CRC_LEN) == crc;
        }
        if (!good) {
            note(u->problem, sizeof(u->problem),
                 "a volume table record's CRC fails", l->at);
            continue;
        }
        for (uint64_t r = 0; r < n; r++) {
            struct bytes rec = {tbl.p + r * VTBL_RECORD, VTBL_RECORD};
            uint32_t reserved = 0;
            struct volume *v;
            bytes_u32be(rec, 0, &reserved);
            if (reserved == 0 || (v = volume(u, (uint32_t)r)) == NULL)
                continue;
            v->reserved = reserved;
            bytes_u8(rec, 12, &v->type);
            record_name(v, rec);
        }
        return;
    }
}

static int by_id(const void *x, const void *y)
{
    const struct volume *a = x, *b = y;

    return a->id < b->id ? -1 : a->id > b->id;
}

/* Gives each volume its LEBs and its end. */
static void assign_lebs(struct ubi *u)
{
    for (size_t i = 0; i < u->n_lebs; i++) {
        const struct leb *l = &u->lebs[i];
        struct volume *v;
        if (l->vol == LAYOUT_VOL || (v = volume(u, l->vol)) == NULL)
            continue;
        if (v->n == 0) {
            v->first = i;
            if (v->type == 0)
                v->type = l->type;
        }
        v->n++;
    }
    qsort(u->vols, u->n_vols, sizeof(u->vols[0]), by_id);
    for (unsigned k = 0; k < u->n_vols; k++) {
        struct volume *v = &u->vols[k];
        const struct leb *last;
        if (v->n == 0)
            continue;
        last = &u->lebs[v->first + v->n - 1];
        v->leb_size = u->lebs[v->first].len;
        if (v->type == STATIC)
            v->end = u->lebs[v->first].used_ebs;
        else
            v->end = last->lnum + 1; /* < 2^32: lnum is checked */
        if (v->reserved > 0 && v->end > v->reserved) {
            note(u->problem, sizeof(u->problem),
                 "a LEB past the volume's reserved PEBs", last->at);
            v->end = v->reserved;
        }
    }
}

static enum unpack_result open_ubi(const uint8_t *data, size_t len,
                                   void **out, char *msg, size_t msg_len)
{
    struct bytes b = bytes_make(data, len);
    uint32_t data_off = 0;
    struct ubi *u;
    bool seen;

    (void)msg;
    (void)msg_len;
    if (!header_ok(b, 0, EC_MAGIC, &seen) || !bytes_u32be(b, 20, &data_off))
        return UNPACK_NOT_CONTAINER;
    u = mem_calloc(1, sizeof(*u));
    if (u == NULL)
        return UNPACK_NOMEM;
    u->data = b;
    u->peb = find_peb_size(b, data_off > HDR_LEN ? data_off : HDR_LEN);
    for (uint64_t at = 0; at < len; at += u->peb) {
        bool ec = header_ok(b, at, EC_MAGIC, &seen) || seen;
        if (!ec && !erased(b, at, u->peb < len - at ? u->peb : len - at))
            break;
        if (ec && !read_peb(u, at)) {
            mem_free(u->lebs);
            mem_free(u);
            return UNPACK_NOMEM;
        }
        u->n_pebs++;
        u->extent = at + u->peb < len ? at + u->peb : len;
        if (ec && u->peb > len - at)
            snprintf(u->problem, sizeof(u->problem),
                     "truncated: the eraseblock at 0x%" PRIx64
                     " has %" PRIu64 " of its %" PRIu64 " bytes",
                     at, (uint64_t)(len - at), u->peb);
    }
    newest_only(u);
    volume_table(u);
    assign_lebs(u);
    *out = u;
    return UNPACK_OK;
}

static void close_ubi(void *state)
{
    struct ubi *u = state;

    mem_free(u->lebs);
    mem_free(u);
}

/* A volume's size: a static one's data sizes, a dynamic one's LEBs. */
static int64_t volume_size(const struct ubi *u, const struct volume *v)
{
    uint64_t n = 0;

    if (v->type != STATIC)
        return __builtin_mul_overflow((uint64_t)v->end, v->leb_size, &n) ||
                       n > INT64_MAX
                   ? -1
                   : (int64_t)n;
    for (size_t i = 0; i < v->n; i++)
        if (u->lebs[v->first + i].lnum < v->end)
            n += u->lebs[v->first + i].len;
    return (int64_t)n;
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct ubi *u = state;
    const struct volume *v;

    while (u->cur < u->n_vols && u->vols[u->cur].n == 0)
        u->cur++; /* a volume of the table without data */
    if (u->cur == u->n_vols) {
        /* A problem about the image when no volume's read gave one
           (none had data, or the last had none): alone. */
        if (u->problem[0] != '\0' && !u->told) {
            u->told = true;
            u->done = true;
            snprintf(u->error, sizeof(u->error), "ubi: %s", u->problem);
            return UNPACK_FATAL;
        }
        return UNPACK_END;
    }
    v = &u->vols[u->cur++];
    memset(e, 0, sizeof(*e));
    e->path = v->name;
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = volume_size(u, v);
    u->lnum = 0;
    u->pos = 0;
    u->j = 0;
    u->done = false;
    u->vol_problem[0] = '\0';
    return UNPACK_OK;
}

/* The volume's end: what was wrong with it, or with the image when it is
   the last volume. */
static void finish(struct ubi *u, struct unpack_sink *sink)
{
    const char *p = u->vol_problem;
    bool last = true;

    u->done = true;
    for (unsigned k = u->cur; k < u->n_vols; k++)
        last &= u->vols[k].n == 0;
    if (p[0] == '\0' && last) {
        p = u->problem;
        u->told = true;
    }
    if (p[0] != '\0') {
        u->told = true;
        snprintf(u->error, sizeof(u->error), "ubi: %s", p);
        unpack_sink_fail(sink);
    }
}

/* The end of a static LEB: its data CRC. */
static void check_leb(struct ubi *u, const struct leb *l)
{
    struct bytes d;

    if (!bytes_slice(u->data, l->at, l->len, &d) ||
        ubi_crc(d.p, d.len) != l->data_crc)
        note(u->vol_problem, sizeof(u->vol_problem),
             "a static LEB's data CRC fails", l->at);
}

/* Gives up to PIECE bytes of the current LEB of len bytes (l NULL:
   unmapped, 0xFF), which the data holds from pos on; what was taken. */
static uint64_t put_leb(struct ubi *u, struct unpack_sink *sink,
                        const struct leb *l, uint64_t len)
{
    uint64_t n = len - u->pos < PIECE ? len - u->pos : PIECE;
    uint64_t before = sink->total, have;
    size_t room;
    uint8_t *to;

    if (l != NULL) {
        have = u->data.len - l->at - u->pos;
        unpack_sink_put(sink, u->data.p + l->at + u->pos,
                        (size_t)(n < have ? n : have));
        return sink->total - before;
    }
    to = unpack_sink_reserve(sink, (size_t)n, &room);
    if (to == NULL)
        return 0;
    memset(to, 0xff, room);
    unpack_sink_commit(sink, room);
    return room;
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct ubi *u = state;
    const struct volume *v = &u->vols[u->cur - 1];

    while (!u->done) {
        const struct leb *l = NULL;
        uint64_t len, taken;
        if (u->lnum >= v->end) {
            finish(u, sink);
            return;
        }
        while (u->j < v->n && u->lebs[v->first + u->j].lnum < u->lnum)
            u->j++;
        if (u->j < v->n && u->lebs[v->first + u->j].lnum == u->lnum)
            l = &u->lebs[v->first + u->j];
        if (l == NULL && v->type == STATIC) {
            if (u->vol_problem[0] == '\0')
                snprintf(u->vol_problem, sizeof(u->vol_problem),
                         "LEB %" PRIu32 " of a static volume is missing",
                         u->lnum);
            finish(u, sink);
            return;
        }
        len = l != NULL ? l->len : v->leb_size;
        if (u->pos == len) {
            if (l != NULL && v->type == STATIC)
                check_leb(u, l);
            u->lnum++;
            u->pos = 0;
            continue;
        }
        if (l != NULL && l->at + u->pos >= u->data.len) {
            note(u->vol_problem, sizeof(u->vol_problem),
                 "truncated: a LEB runs past the data", l->at);
            finish(u, sink);
            return;
        }
        taken = put_leb(u, sink, l, len);
        u->pos += taken;
        if (taken == 0 || unpack_sink_stopped(sink))
            return;
    }
}

static const char *error(const void *state)
{
    const struct ubi *u = state;

    return u->error[0] ? u->error : "ubi: corrupt image";
}

static uint64_t extent(const void *state)
{
    const struct ubi *u = state;

    return u->extent;
}

/* The first EC header's CRC holds: no chance. */
static bool verified(const void *state)
{
    (void)state;
    return true;
}

static const struct unpack_magic magics[] = {{"UBI#", 4, 0}};

const struct unpack_reader unpack_ubi = {
    .name = "ubi",
    .magics = magics,
    .n_magics = 1,
    .open = open_ubi,
    .close = close_ubi,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
    .verified = verified,
};
