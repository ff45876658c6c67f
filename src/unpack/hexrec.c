/*
 * hexrec.c - firmware as text records: Intel HEX and Motorola S-records
 * (what objcopy -O ihex / -O srec, srec_cat and most microcontroller
 * tool chains write).
 *
 * Intel HEX (Intel's "Hexadecimal Object File Format Specification",
 * revision A, 1988): lines ":LLAAAATT<data>CC" in hexadecimal: LL data
 * bytes, a 16-bit address, the record type, the data, and a checksum that
 * makes the bytes of the record sum to 0 modulo 256. Types: 00 data, 01
 * end of file, 02 extended segment address (a base of the value times
 * 16; an address is then base + ((offset + i) mod 64 KiB)), 03 start
 * segment address, 04 extended linear address (the upper 16 bits; an
 * address is then base + offset + i), 05 start linear address.
 *
 * Motorola S-records (the srec(5) manual page of SRecord, and Motorola's
 * M68000 Programmer's Reference Manual, appendix C): lines "S" type, a
 * count of the bytes that follow, an address of 2 (S0, S1, S5, S9), 3
 * (S2, S6, S8) or 4 (S3, S7) bytes, data, and a checksum, the ones'
 * complement of the sum of count, address and data bytes. S1-S3 carry
 * data, S0 a header, S5/S6 a record count, S7-S9 the start address and
 * the end.
 *
 * One unnamed entry: the memory image from the lowest address written to
 * the highest, gaps filled with 0xFF (erased flash), as objcopy -O binary
 * lays it out. Nothing the size of the image is allocated: records are
 * indexed (address, where their text is) and sorted by address at open,
 * and the image is written into the sink piece by piece, so an address
 * far away (a gap of gigabytes) is bounded by the entry, ratio and time
 * limits like any bomb. A line that is not a record or whose checksum
 * fails, records that overlap (the first by address is kept) and an
 * Intel HEX file without its end-of-file record are an error after the
 * bytes; the rest is laid out (S-record files often have no S7-S9: srec_cat
 * writes none without a start address). At most MAX_RECORDS data records
 * are indexed: the lines after are not read, an error says so.
 * The container ends after the end record's line (its extent).
 */
#include "unpack/hexrec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "base/mem.h"

#define PIECE (64u * 1024)
/* Data records indexed at most (24 bytes each: 96 MiB; a file holding
   more is some 100 MiB of text). */
#define MAX_RECORDS (1u << 22)

struct record {
    uint64_t addr; /* of its first byte in the image */
    uint64_t at;   /* of its data's first hex digit in the text */
    uint32_t n;    /* data bytes */
    uint32_t seq;  /* its place in the file: sorting is stable */
};

struct hexrec {
    struct bytes data;
    bool srec;
    struct record *recs;
    size_t n_recs, cap;
    uint64_t low, high; /* the image: [low, high) */
    uint64_t extent;
    bool ended;         /* an end record was met */
    bool too_many;      /* more than MAX_RECORDS data records */
    char problem[160];  /* the first bad line, reported after the bytes */
    /* Reading: record i, the image's address cur. */
    size_t i;
    uint64_t cur;
    bool in_rec; /* some of record i was written */
    bool overlap, opened, done;
    char error[200];
};

/* Line parsing: the line at [at, end) of the text, no line break. */
struct line {
    uint64_t at, end;
    uint64_t no; /* 1-based */
};

static int hex_digit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The byte written as two hex digits at off; -1 when they are none. */
static int hex_byte(struct bytes b, uint64_t off)
{
    uint8_t hi = 0, lo = 0;
    int h, l;

    if (!bytes_u8(b, off, &hi) || !bytes_u8(b, off + 1, &lo))
        return -1;
    h = hex_digit(hi);
    l = hex_digit(lo);
    return h < 0 || l < 0 ? -1 : h << 4 | l;
}

/*
 * Decodes the n bytes of a line's hex digits from at into out (when not
 * NULL) and adds them to *sum; false when a digit is not hex.
 */
static bool hex_bytes(struct bytes b, uint64_t at, uint64_t n, uint8_t *out,
                      unsigned *sum)
{
    for (uint64_t i = 0; i < n; i++) {
        int v = hex_byte(b, at + 2 * i);
        if (v < 0)
            return false;
        if (out != NULL)
            out[i] = (uint8_t)v;
        *sum += (unsigned)v;
    }
    return true;
}

static void problem(struct hexrec *h, const struct line *l, const char *what)
{
    if (h->problem[0] == '\0')
        snprintf(h->problem, sizeof(h->problem), "line %" PRIu64 ": %s",
                 l->no, what);
}

static bool add_record(struct hexrec *h, uint64_t addr, uint64_t at,
                       uint32_t n)
{
    if (n == 0)
        return true;
    if (h->n_recs == MAX_RECORDS) {
        h->too_many = true;
        return true;
    }
    if (h->n_recs == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 256;
        struct record *more = mem_realloc_array(h->recs, cap, sizeof(*more));
        if (more == NULL)
            return false;
        h->recs = more;
        h->cap = cap;
    }
    h->recs[h->n_recs++] = (struct record){addr, at, n, (uint32_t)h->n_recs};
    return true;
}

/* Intel HEX's state between lines: the base and whether it is a segment. */
struct ihex_base {
    uint64_t base;
    bool segment;
};

/*
 * One Intel HEX line: UNPACK_OK (a record, taken), UNPACK_FAILED (a bad
 * line, noted), UNPACK_END (the end record), UNPACK_NOMEM.
 */
static enum unpack_result ihex_line(struct hexrec *h, const struct line *l,
                                    struct ihex_base *base)
{
    struct bytes b = h->data;
    unsigned sum = 0;
    uint8_t head[4], value[4];
    uint64_t len = l->end - l->at, at = l->at + 1;
    uint32_t off;
    uint8_t colon = 0;

    bytes_u8(b, l->at, &colon);
    if (len < 11 || colon != ':' || !hex_bytes(b, at, 4, head, &sum)) {
        problem(h, l, "not an Intel HEX record");
        return UNPACK_FAILED;
    }
    if (len != 11 + 2 * (uint64_t)head[0]) {
        problem(h, l, "the record's length is not its byte count's");
        return UNPACK_FAILED;
    }
    if (!hex_bytes(b, at + 8, head[0] + 1u, NULL, &sum)) {
        problem(h, l, "not a hex digit");
        return UNPACK_FAILED;
    }
    if ((sum & 0xff) != 0) {
        problem(h, l, "the checksum does not match");
        return UNPACK_FAILED;
    }
    off = (uint32_t)head[1] << 8 | head[2];
    switch (head[3]) {
    case 0x00:
        if (base->segment && off + head[0] > 0x10000u) { /* wraps */
            uint32_t first = 0x10000u - off;
            return add_record(h, base->base + off, at + 8, first) &&
                           add_record(h, base->base, at + 8 + 2 * first,
                                      head[0] - first)
                       ? UNPACK_OK
                       : UNPACK_NOMEM;
        }
        return add_record(h, base->base + off, at + 8, head[0])
                   ? UNPACK_OK
                   : UNPACK_NOMEM;
    case 0x01: return UNPACK_END;
    case 0x02:
    case 0x04:
        if (head[0] != 2) {
            problem(h, l, "an address record without 2 bytes");
            return UNPACK_FAILED;
        }
        hex_bytes(b, at + 8, 2, value, &sum);
        base->segment = head[3] == 0x02;
        base->base = ((uint64_t)value[0] << 8 | value[1])
                     << (base->segment ? 4 : 16);
        return UNPACK_OK;
    case 0x03:
    case 0x05: return UNPACK_OK; /* a start address */
    default: problem(h, l, "a record of unknown type"); return UNPACK_FAILED;
    }
}

/* One S-record line, as ihex_line. */
static enum unpack_result srec_line(struct hexrec *h, const struct line *l)
{
    static const uint8_t addr_len[10] = {2, 2, 3, 4, 0, 2, 3, 4, 3, 2};
    struct bytes b = h->data;
    unsigned sum = 0, type;
    uint8_t count = 0, addr[4];
    uint64_t len = l->end - l->at, a = 0;
    uint8_t s = 0, t = 0;
    int c;

    bytes_u8(b, l->at, &s);
    bytes_u8(b, l->at + 1, &t);
    c = len >= 4 && s == 'S' ? hex_digit(t) : -1;
    if (c < 0 || c > 9 || addr_len[c] == 0 ||
        !hex_bytes(b, l->at + 2, 1, &count, &sum)) {
        problem(h, l, "not an S-record");
        return UNPACK_FAILED;
    }
    type = (unsigned)c;
    if (len != 4 + 2 * (uint64_t)count || count < addr_len[type] + 1u) {
        problem(h, l, "the record's length is not its byte count's");
        return UNPACK_FAILED;
    }
    if (!hex_bytes(b, l->at + 4, addr_len[type], addr, &sum) ||
        !hex_bytes(b, l->at + 4 + 2 * addr_len[type],
                   count - addr_len[type], NULL, &sum)) {
        problem(h, l, "not a hex digit");
        return UNPACK_FAILED;
    }
    /* The checksum is the last byte summed: count, address, data and it
       add up to 0xFF. */
    if ((sum & 0xff) != 0xff) {
        problem(h, l, "the checksum does not match");
        return UNPACK_FAILED;
    }
    for (unsigned i = 0; i < addr_len[type]; i++)
        a = a << 8 | addr[i];
    if (type >= 1 && type <= 3)
        return add_record(h, a, l->at + 4 + 2 * addr_len[type],
                          count - addr_len[type] - 1u)
                   ? UNPACK_OK
                   : UNPACK_NOMEM;
    return type >= 7 ? UNPACK_END : UNPACK_OK;
}

/* The next line from *at: its bounds without the line break and trailing
   spaces; false at the end of the text. */
static bool next_line(struct bytes b, uint64_t *at, struct line *l)
{
    const uint8_t *nl;
    uint64_t end;
    uint8_t c = 0;

    if (*at >= b.len)
        return false;
    nl = memchr(b.p + *at, '\n', b.len - *at);
    end = nl != NULL ? (uint64_t)(nl - b.p) : b.len;
    l->at = *at;
    *at = nl != NULL ? end + 1 : end;
    while (end > l->at && bytes_u8(b, end - 1, &c) &&
           (c == '\r' || c == ' ' || c == '\t'))
        end--;
    l->end = end;
    l->no++;
    return true;
}

static int by_address(const void *x, const void *y)
{
    const struct record *a = x, *b = y;

    if (a->addr != b->addr)
        return a->addr < b->addr ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Reads every line: the records, the image's bounds, the extent. */
static enum unpack_result index_records(struct hexrec *h)
{
    struct ihex_base base = {0, false};
    struct line l = {0, 0, 0};
    uint64_t at = 0, good = 0;

    while (next_line(h->data, &at, &l)) {
        enum unpack_result rc;
        if (l.end == l.at)
            continue; /* an empty line */
        rc = h->srec ? srec_line(h, &l) : ihex_line(h, &l, &base);
        if (rc == UNPACK_NOMEM)
            return rc;
        if (rc != UNPACK_FAILED)
            good = at;
        if (rc == UNPACK_END) {
            h->ended = true;
            break;
        }
        if (h->too_many)
            break;
    }
    /* Without an end record, the file ends after its last good record:
       what follows (other data, a damaged tail) is carving's. */
    h->extent = h->ended ? at : good;
    if (h->n_recs == 0)
        return UNPACK_OK;
    qsort(h->recs, h->n_recs, sizeof(h->recs[0]), by_address);
    h->low = h->recs[0].addr;
    for (size_t i = 0; i < h->n_recs; i++) {
        uint64_t end = h->recs[i].addr + h->recs[i].n;
        if (end > h->high)
            h->high = end;
    }
    return UNPACK_OK;
}

/* Whether the text starts with a whole record of the format with a
   checksum that holds: a line that does not is no such file. */
static bool first_line_ok(struct hexrec *h)
{
    struct ihex_base base = {0, false};
    struct line l = {0, 0, 0};
    uint64_t at = 0;
    enum unpack_result rc;

    if (!next_line(h->data, &at, &l))
        return false;
    rc = h->srec ? srec_line(h, &l) : ihex_line(h, &l, &base);
    h->n_recs = 0;
    return rc == UNPACK_OK || rc == UNPACK_END;
}

static enum unpack_result open_text(const uint8_t *data, size_t len,
                                    void **out, bool srec)
{
    struct hexrec *h;
    enum unpack_result rc;

    if (len < 4 || data[0] != (srec ? 'S' : ':'))
        return UNPACK_NOT_CONTAINER;
    h = mem_calloc(1, sizeof(*h));
    if (h == NULL)
        return UNPACK_NOMEM;
    h->data = bytes_make(data, len);
    h->srec = srec;
    if (!first_line_ok(h)) {
        mem_free(h->recs);
        mem_free(h);
        return UNPACK_NOT_CONTAINER;
    }
    h->problem[0] = '\0';
    rc = index_records(h);
    if (rc != UNPACK_OK) {
        mem_free(h->recs);
        mem_free(h);
        return rc;
    }
    *out = h;
    return UNPACK_OK;
}

static enum unpack_result open_ihex(const uint8_t *data, size_t len,
                                    void **out, char *msg, size_t msg_len)
{
    (void)msg;
    (void)msg_len;
    return open_text(data, len, out, false);
}

static enum unpack_result open_srec(const uint8_t *data, size_t len,
                                    void **out, char *msg, size_t msg_len)
{
    (void)msg;
    (void)msg_len;
    return open_text(data, len, out, true);
}

static void close_hexrec(void *state)
{
    struct hexrec *h = state;

    mem_free(h->recs);
    mem_free(h);
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct hexrec *h = state;

    if (h->opened)
        return UNPACK_END;
    h->opened = true;
    memset(e, 0, sizeof(*e));
    e->path = "";
    e->unnamed = true;
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = (int64_t)(h->high - h->low);
    h->cur = h->low;
    return UNPACK_OK;
}

static const char *name(const struct hexrec *h)
{
    return h->srec ? "srec" : "ihex";
}

/* The end of the image: what was wrong, after the bytes. */
static void finish(struct hexrec *h, struct unpack_sink *sink)
{
    h->done = true;
    if (h->too_many)
        snprintf(h->error, sizeof(h->error),
                 "%s: more than %u data records: those after are not read",
                 name(h), MAX_RECORDS);
    else if (h->problem[0] != '\0')
        snprintf(h->error, sizeof(h->error), "%s: %s", name(h), h->problem);
    else if (h->overlap)
        snprintf(h->error, sizeof(h->error),
                 "%s: records overlap (the first by address is kept)",
                 name(h));
    else if (!h->ended && !h->srec) /* S7-S9 are often left out */
        snprintf(h->error, sizeof(h->error),
                 "ihex: no end-of-file record");
    if (h->error[0] != '\0')
        unpack_sink_fail(sink);
}

/* Writes up to n bytes: 0xFF of a gap, or of record r from cur. */
static size_t put(struct hexrec *h, struct unpack_sink *sink,
                  const struct record *r, uint64_t n)
{
    size_t room;
    uint8_t *to = unpack_sink_reserve(sink, (size_t)n, &room);
    unsigned sum = 0;

    if (to == NULL)
        return 0;
    if (r == NULL)
        memset(to, 0xff, room);
    else
        hex_bytes(h->data, r->at + 2 * (h->cur - r->addr), room, to, &sum);
    unpack_sink_commit(sink, room);
    return room;
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct hexrec *h = state;

    while (!h->done) {
        const struct record *r;
        bool gap;
        uint64_t n;
        size_t taken;
        if (h->i == h->n_recs) {
            finish(h, sink);
            return;
        }
        r = &h->recs[h->i];
        if (!h->in_rec && h->cur > r->addr) { /* an earlier one has it */
            h->overlap = true;
            if (h->cur >= r->addr + r->n) {
                h->i++;
                continue;
            }
        }
        gap = h->cur < r->addr;
        n = gap ? r->addr - h->cur : r->addr + r->n - h->cur;
        h->in_rec = !gap;
        taken = put(h, sink, gap ? NULL : r, n < PIECE ? n : PIECE);
        h->cur += taken;
        if (!gap && h->cur == r->addr + r->n) {
            h->i++;
            h->in_rec = false;
        }
        if (taken == 0 || unpack_sink_stopped(sink))
            return;
    }
}

static const char *error(const void *state)
{
    const struct hexrec *h = state;

    return h->error[0] ? h->error : "hexrec: corrupt records";
}

static uint64_t extent(const void *state)
{
    const struct hexrec *h = state;

    return h->extent;
}

const struct unpack_reader unpack_ihex = {
    .name = "ihex",
    .open = open_ihex,
    .close = close_hexrec,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
};

const struct unpack_reader unpack_srec = {
    .name = "srec",
    .open = open_srec,
    .close = close_hexrec,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
};
