/*
 * fit.c - U-Boot's Flattened Image Tree: a flattened device tree whose
 * /images node holds one node per image (a kernel, a ramdisk, device
 * trees), each with its bytes in a `data` property, or outside the tree
 * (external data): `data-size` bytes at `data-position` from the FIT's
 * start, or at `data-offset` from the end of the tree rounded up to 4
 * bytes (the FIT format, "External data"; U-Boot's loader reads them so).
 *
 * The tree is walked here, bounds-checked, as the Devicetree
 * Specification's chapter 5 (Flattened Devicetree Format) lays it out: a
 * 40-byte big-endian header, a structure block of 32-bit tokens
 * (FDT_BEGIN_NODE and its NUL-terminated name, FDT_PROP with a length, a
 * name offset into the strings block and the value, FDT_END_NODE,
 * FDT_NOP, FDT_END), each item padded to 4 bytes. libfdt would do as well
 * (its fdt_check_full validates an untrusted blob), but one pass over the
 * tokens is all a FIT needs, and through base/bytes.h it stays one
 * reader like the others, with no library to add.
 *
 * A device tree without /images is no FIT. Hash nodes (hash-1 with `algo`
 * and `value`) of algorithm crc32 or sha256 are checked: a mismatch is an
 * error on that image, whose bytes are read all the same.
 */
#include "unpack/fit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "base/digest.h"
#include "base/mem.h"
#include "unpack/image.h"

#define FDT_MAGIC 0xd00dfeedu
#define HEADER_LEN 40
#define TOKEN_BEGIN_NODE 1
#define TOKEN_END_NODE 2
#define TOKEN_PROP 3
#define TOKEN_NOP 4
#define TOKEN_END 9
#define MAX_DEPTH 64     /* nodes within nodes */
#define MAX_IMAGES 4096  /* image nodes read */
#define NAME_MAX_LEN 255 /* of an entry's name: a node name is 1-31 */

struct image {
    uint64_t name_at; /* the node's name in the data */
    size_t name_len;
    bool embedded, has_size, has_offset, has_position, has_crc, has_sha;
    uint64_t data_at, data_len; /* of `data` */
    uint32_t size, offset, position;
    uint32_t crc;
    uint8_t sha[DIGEST_SHA256_LEN];
};

struct fit {
    struct bytes data;
    uint32_t totalsize;
    struct image *images;
    uint32_t n, cap, next;
    bool more;     /* more than MAX_IMAGES image nodes */
    uint64_t given; /* of the image being read, by earlier reads */
    bool done;      /* its end was reached */
    bool ended;
    uint64_t end;  /* of the tree and every image's external data */
    char path[NAME_MAX_LEN + 1];
    char error[200];
};

/* The header's fields, in order. */
enum {
    H_MAGIC, H_TOTALSIZE, H_OFF_STRUCT, H_OFF_STRINGS, H_OFF_RSVMAP,
    H_VERSION, H_LAST_COMP, H_BOOT_CPU, H_SIZE_STRINGS, H_SIZE_STRUCT,
};

/* The walk's place in the tree. */
struct walk {
    struct bytes b;
    uint64_t strings, strings_end; /* the strings block */
    int depth;
    bool in_images;                /* inside /images */
    struct image *image;           /* inside /images/NAME */
    bool in_hash;                  /* inside /images/NAME/hash* */
    struct bytes algo, value;      /* of that hash node */
};

static uint64_t round4(uint64_t n)
{
    return (n + 3) & ~(uint64_t)3;
}

static bool name_is(struct bytes b, uint64_t at, size_t len, const char *s)
{
    return len == strlen(s) && memcmp(b.p + at, s, len) == 0;
}

/* Checks the header; false when chance bytes after a magic number. */
static bool header_ok(struct bytes b, uint32_t h[10])
{
    for (unsigned i = 0; i < 10; i++) {
        if (!bytes_u32be(b, 4 * (uint64_t)i, &h[i]))
            return false;
    }
    if (h[H_MAGIC] != FDT_MAGIC || h[H_TOTALSIZE] < HEADER_LEN ||
        h[H_VERSION] < 16 || h[H_LAST_COMP] > 17 ||
        h[H_OFF_RSVMAP] > h[H_TOTALSIZE])
        return false;
    if (h[H_VERSION] < 17) /* no size of the structure block */
        h[H_SIZE_STRUCT] = h[H_OFF_STRUCT] <= h[H_TOTALSIZE]
                               ? h[H_TOTALSIZE] - h[H_OFF_STRUCT]
                               : 0;
    return (uint64_t)h[H_OFF_STRUCT] + h[H_SIZE_STRUCT] <= h[H_TOTALSIZE] &&
           (uint64_t)h[H_OFF_STRINGS] + h[H_SIZE_STRINGS] <=
               h[H_TOTALSIZE] &&
           h[H_OFF_STRUCT] >= HEADER_LEN;
}

static bool add_image(struct fit *f, uint64_t name_at, size_t name_len,
                      struct walk *w)
{
    if (f->n == MAX_IMAGES) {
        f->more = true;
        return true;
    }
    if (f->n == f->cap) {
        uint32_t cap = f->cap ? f->cap * 2 : 8;
        struct image *im = mem_realloc_array(f->images, cap, sizeof(*im));
        if (im == NULL)
            return false;
        f->images = im;
        f->cap = cap;
    }
    w->image = &f->images[f->n++];
    memset(w->image, 0, sizeof(*w->image));
    w->image->name_at = name_at;
    w->image->name_len = name_len;
    return true;
}

/* A 32-bit big-endian property value. */
static bool cell(struct bytes value, uint32_t *out)
{
    return value.len == 4 && bytes_u32be(value, 0, out);
}

/* A property of an image node or of its hash node. */
static void property(struct walk *w, struct bytes name, uint64_t value_at,
                     struct bytes value)
{
    struct image *im = w->image;

    if (w->in_hash) {
        if (name_is(name, 0, name.len, "algo"))
            w->algo = value;
        else if (name_is(name, 0, name.len, "value"))
            w->value = value;
    } else if (name_is(name, 0, name.len, "data")) {
        im->embedded = true;
        im->data_at = value_at;
        im->data_len = value.len;
    } else if (name_is(name, 0, name.len, "data-size")) {
        im->has_size = cell(value, &im->size);
    } else if (name_is(name, 0, name.len, "data-offset")) {
        im->has_offset = cell(value, &im->offset);
    } else if (name_is(name, 0, name.len, "data-position")) {
        im->has_position = cell(value, &im->position);
    }
}

/* The hash node that ends: crc32 and sha256 values are kept. */
static void end_hash(struct walk *w)
{
    struct image *im = w->image;
    const char *algo = (const char *)w->algo.p;

    if (w->algo.len == 6 && memcmp(algo, "crc32", 6) == 0 &&
        cell(w->value, &im->crc))
        im->has_crc = true;
    else if (w->algo.len == 7 && memcmp(algo, "sha256", 7) == 0 &&
             bytes_copy(w->value, 0, im->sha, sizeof(im->sha)) &&
             w->value.len == sizeof(im->sha))
        im->has_sha = true;
    w->in_hash = false;
}

static enum unpack_result malformed(char *msg, size_t msg_len,
                                    const char *what, uint64_t at)
{
    snprintf(msg, msg_len, "fit: malformed device tree: %s at 0x%" PRIx64,
             what, at);
    return UNPACK_FATAL;
}

/* FDT_BEGIN_NODE: the node's name, and where it is in the tree. */
static enum unpack_result begin_node(struct fit *f, struct walk *w,
                                     uint64_t *pos, uint64_t end)
{
    size_t n;

    if (!bytes_cstr(w->b, *pos, (size_t)(end - *pos), &n))
        return UNPACK_FATAL;
    if (++w->depth > MAX_DEPTH)
        return UNPACK_TOO_DEEP;
    if (w->depth == 2 && name_is(w->b, *pos, n, "images"))
        w->in_images = true;
    else if (w->depth == 3 && w->in_images && !add_image(f, *pos, n, w))
        return UNPACK_NOMEM;
    else if (w->depth == 4 && w->image != NULL && n >= 4 &&
             memcmp(w->b.p + *pos, "hash", 4) == 0) {
        w->in_hash = true;
        w->algo = w->value = bytes_make(NULL, 0);
    }
    *pos += round4(n + 1);
    return UNPACK_OK;
}

static void end_node(struct walk *w)
{
    if (w->depth == 4 && w->in_hash)
        end_hash(w);
    else if (w->depth == 3)
        w->image = NULL;
    else if (w->depth == 2)
        w->in_images = false;
    w->depth--;
}

/* FDT_PROP: its length, name offset and value. */
static bool prop(struct walk *w, uint64_t *pos, uint64_t end)
{
    uint32_t len, nameoff;
    size_t n;
    struct bytes value;

    if (!bytes_u32be(w->b, *pos, &len) ||
        !bytes_u32be(w->b, *pos + 4, &nameoff) || *pos + 8 + len > end ||
        !bytes_slice(w->b, *pos + 8, len, &value) ||
        w->strings + nameoff >= w->strings_end ||
        !bytes_cstr(w->b, w->strings + nameoff,
                    (size_t)(w->strings_end - w->strings - nameoff), &n))
        return false;
    if (w->image != NULL && (w->depth == 3 || (w->depth == 4 && w->in_hash)))
        property(w, bytes_make(w->b.p + w->strings + nameoff, n), *pos + 8,
                 value);
    *pos += 8 + round4(len);
    return true;
}

/* Walks the structure block, collecting the image nodes: UNPACK_OK, or
   UNPACK_NOT_CONTAINER for a tree without /images. */
static enum unpack_result walk_tree(struct fit *f, const uint32_t h[10],
                                    char *msg, size_t msg_len)
{
    struct walk w = {
        .b = f->data,
        .strings = h[H_OFF_STRINGS],
        .strings_end = (uint64_t)h[H_OFF_STRINGS] + h[H_SIZE_STRINGS],
    };
    uint64_t pos = h[H_OFF_STRUCT];
    uint64_t end = (uint64_t)h[H_OFF_STRUCT] + h[H_SIZE_STRUCT];
    bool images = false;

    for (;;) {
        uint32_t token;
        uint64_t at = pos;
        enum unpack_result rc = UNPACK_OK;
        if (pos + 4 > end || !bytes_u32be(f->data, pos, &token))
            return malformed(msg, msg_len, "no FDT_END", at);
        pos += 4;
        switch (token) {
        case TOKEN_BEGIN_NODE:
            rc = begin_node(f, &w, &pos, end);
            images |= w.in_images;
            if (rc == UNPACK_FATAL)
                return malformed(msg, msg_len, "a node name", at);
            if (rc == UNPACK_TOO_DEEP)
                return malformed(msg, msg_len, "nodes 64 deep", at);
            if (rc != UNPACK_OK)
                return rc;
            break;
        case TOKEN_END_NODE:
            if (w.depth == 0)
                return malformed(msg, msg_len, "an extra FDT_END_NODE",
                                 at);
            end_node(&w);
            break;
        case TOKEN_PROP:
            if (w.depth == 0 || !prop(&w, &pos, end))
                return malformed(msg, msg_len, "a property", at);
            break;
        case TOKEN_NOP: break;
        case TOKEN_END:
            if (w.depth != 0)
                return malformed(msg, msg_len, "FDT_END in a node", at);
            return images ? UNPACK_OK : UNPACK_NOT_CONTAINER;
        default: return malformed(msg, msg_len, "an unknown token", at);
        }
    }
}

/* Where image i's bytes are, as the tree gives them; false when it
   gives none. Sets *at and *len (which may run past the data). */
static bool image_place(const struct fit *f, const struct image *im,
                        uint64_t *at, uint64_t *len)
{
    if (im->embedded) {
        *at = im->data_at;
        *len = im->data_len;
        return true;
    }
    if (!im->has_size || !(im->has_position || im->has_offset))
        return false;
    *at = im->has_position ? im->position
                           : round4(f->totalsize) + im->offset;
    *len = im->size;
    return true;
}

static enum unpack_result open_fit(const uint8_t *data, size_t len,
                                   void **out, char *msg, size_t msg_len)
{
    struct bytes b = bytes_make(data, len);
    uint32_t h[10];
    struct fit *f;
    enum unpack_result rc;

    if (!header_ok(b, h))
        return UNPACK_NOT_CONTAINER;
    if (h[H_TOTALSIZE] > len) {
        snprintf(msg, msg_len,
                 "fit: truncated: the device tree is %" PRIu32
                 " bytes, %zu are there",
                 h[H_TOTALSIZE], len);
        return UNPACK_FATAL;
    }
    f = mem_calloc(1, sizeof(*f));
    if (f == NULL)
        return UNPACK_NOMEM;
    f->data = b;
    f->totalsize = h[H_TOTALSIZE];
    rc = walk_tree(f, h, msg, msg_len);
    if (rc != UNPACK_OK) {
        mem_free(f->images);
        mem_free(f);
        return rc;
    }
    f->end = f->totalsize;
    for (uint32_t i = 0; i < f->n; i++) {
        uint64_t at, n;
        if (!f->images[i].embedded && image_place(f, &f->images[i], &at, &n) &&
            at + n > f->end)
            f->end = at + n;
    }
    *out = f;
    return UNPACK_OK;
}

static void close_fit(void *state)
{
    struct fit *f = state;

    mem_free(f->images);
    mem_free(f);
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct fit *f = state;
    const struct image *im;
    uint64_t at, len;
    size_t n;

    if (f->ended)
        return UNPACK_END;
    if (f->next == f->n) {
        f->ended = true;
        if (!f->more)
            return UNPACK_END;
        snprintf(f->error, sizeof(f->error),
                 "fit: more than %d images: the rest are not read",
                 MAX_IMAGES);
        return UNPACK_FAILED;
    }
    im = &f->images[f->next++];
    f->given = 0;
    f->done = false;
    n = im->name_len < NAME_MAX_LEN ? im->name_len : NAME_MAX_LEN;
    memcpy(f->path, f->data.p + im->name_at, n);
    f->path[n] = '\0';
    memset(e, 0, sizeof(*e));
    e->path = f->path;
    e->kind = UNPACK_REGULAR;
    e->mode = 0644;
    e->size = image_place(f, im, &at, &len) ? (int64_t)len : -1;
    return UNPACK_OK;
}

static void fail(struct fit *f, struct unpack_sink *sink, const char *what)
{
    snprintf(f->error, sizeof(f->error), "fit: %s", what);
    unpack_sink_fail(sink);
}

/* Checks the image's bytes against its hash nodes. */
static void check_hashes(struct fit *f, const struct image *im,
                         const uint8_t *p, size_t len,
                         struct unpack_sink *sink)
{
    uint8_t sha[DIGEST_SHA256_LEN];
    char what[96];

    if (im->has_crc && image_crc32(0, p, len) != im->crc) {
        snprintf(what, sizeof(what),
                 "its CRC-32 is 0x%08x, its hash node gives 0x%08x",
                 image_crc32(0, p, len), im->crc);
        fail(f, sink, what);
        return;
    }
    if (im->has_sha) {
        digest_sha256(p, len, sha);
        if (memcmp(sha, im->sha, sizeof(sha)) != 0)
            fail(f, sink, "its SHA-256 is not the one of its hash node");
    }
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct fit *f = state;
    const struct image *im = &f->images[f->next - 1];
    uint64_t at, len, have;
    char what[128];

    if (f->done)
        return;
    if (!image_place(f, im, &at, &len)) {
        f->done = true;
        fail(f, sink, "no data, or no data-size with data-offset or "
                      "data-position");
        return;
    }
    have = at < f->data.len ? f->data.len - at : 0;
    if (have > len)
        have = len;
    if (!image_put(sink, have > 0 ? f->data.p + at : NULL, have, &f->given))
        return;
    f->done = true;
    if (have < len) {
        snprintf(what, sizeof(what),
                 "truncated: %" PRIu64 " bytes at 0x%" PRIx64
                 ", %" PRIu64 " are there",
                 len, at, have);
        fail(f, sink, what);
        return;
    }
    check_hashes(f, im, len > 0 ? f->data.p + at : f->data.p, (size_t)len,
                 sink);
}

static const char *error(const void *state)
{
    const struct fit *f = state;

    return f->error[0] ? f->error : "fit: corrupt image";
}

/* The tree and the external data, with the zeros mkimage writes after
   external data to end it at a 4-byte boundary. */
static uint64_t extent(const void *state)
{
    const struct fit *f = state;
    uint64_t end = f->end;

    if (end > f->data.len)
        return 0;
    while (end < round4(f->end) && end < f->data.len && f->data.p[end] == 0)
        end++;
    return end == round4(f->end) ? end : f->end;
}

/* The whole structure block was walked. */
static bool verified(const void *state)
{
    (void)state;
    return true;
}

static const struct unpack_magic magics[] = {{"\xd0\x0d\xfe\xed", 4, 0}};

const struct unpack_reader unpack_fit = {
    .name = "fit",
    .magics = magics,
    .n_magics = 1,
    .open = open_fit,
    .close = close_fit,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
    .verified = verified,
};
