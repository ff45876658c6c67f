/*
 * bytes.h - the bounds-checked reader every parser of untrusted bytes uses.
 *
 * A struct bytes is a view (pointer and length) it does not own. Every read
 * names an absolute offset and returns false, leaving *out untouched, when
 * any byte of it is out of range; offsets and lengths are checked with
 * overflow-safe arithmetic, so a hostile 64-bit offset cannot wrap around.
 * A cursor variant (struct bytes_cursor) reads sequentially and fails
 * stickily: after the first failed read every further read fails too.
 */
#ifndef CANDOR_BASE_BYTES_H
#define CANDOR_BASE_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bytes {
    const uint8_t *p;
    size_t len;
};

static inline struct bytes bytes_make(const void *p, size_t len)
{
    struct bytes b = {(const uint8_t *)p, len};
    return b;
}

/* True when [off, off + n) lies inside b. */
static inline bool bytes_has(struct bytes b, uint64_t off, uint64_t n)
{
    uint64_t end;
    return !__builtin_add_overflow(off, n, &end) && end <= b.len;
}

/* A sub-view; false when out of range. */
static inline bool bytes_slice(struct bytes b, uint64_t off, uint64_t n,
                               struct bytes *out)
{
    if (!bytes_has(b, off, n))
        return false;
    out->p = b.p + off;
    out->len = (size_t)n;
    return true;
}

static inline bool bytes_copy(struct bytes b, uint64_t off, void *dst,
                              size_t n)
{
    if (!bytes_has(b, off, n))
        return false;
    if (n > 0) /* an empty view may have no pointer */
        memcpy(dst, b.p + off, n);
    return true;
}

static inline bool bytes_u8(struct bytes b, uint64_t off, uint8_t *out)
{
    if (!bytes_has(b, off, 1))
        return false;
    *out = b.p[off];
    return true;
}

/* Reads an unsigned integer of n (1..8) bytes, little or big endian. */
static inline bool bytes_uint(struct bytes b, uint64_t off, unsigned n,
                              bool big_endian, uint64_t *out)
{
    uint64_t v = 0;

    if (n == 0 || n > 8 || !bytes_has(b, off, n))
        return false;
    for (unsigned i = 0; i < n; i++) {
        unsigned k = big_endian ? i : n - 1 - i;
        v = (v << 8) | b.p[off + k];
    }
    *out = v;
    return true;
}

static inline bool bytes_u16le(struct bytes b, uint64_t off, uint16_t *out)
{
    uint64_t v;
    if (!bytes_uint(b, off, 2, false, &v))
        return false;
    *out = (uint16_t)v;
    return true;
}

static inline bool bytes_u32le(struct bytes b, uint64_t off, uint32_t *out)
{
    uint64_t v;
    if (!bytes_uint(b, off, 4, false, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static inline bool bytes_u64le(struct bytes b, uint64_t off, uint64_t *out)
{
    return bytes_uint(b, off, 8, false, out);
}

static inline bool bytes_u16be(struct bytes b, uint64_t off, uint16_t *out)
{
    uint64_t v;
    if (!bytes_uint(b, off, 2, true, &v))
        return false;
    *out = (uint16_t)v;
    return true;
}

static inline bool bytes_u32be(struct bytes b, uint64_t off, uint32_t *out)
{
    uint64_t v;
    if (!bytes_uint(b, off, 4, true, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

/* The C string at off: *len is the number of its bytes before its first
 * NUL, looking at no more than max bytes and none past the end of b.
 * Returns whether that NUL was found; unlike the reads above it always
 * sets *len: on false, to the bytes looked at (0 when off is past the
 * end), for a caller that takes an unterminated string whole. */
static inline bool bytes_cstr(struct bytes b, uint64_t off, size_t max,
                              size_t *len)
{
    const uint8_t *nul;
    size_t n;

    *len = 0;
    if (off >= b.len)
        return false;
    n = b.len - (size_t)off;
    if (n > max)
        n = max;
    nul = n > 0 ? memchr(b.p + off, 0, n) : NULL;
    *len = nul != NULL ? (size_t)(nul - (b.p + off)) : n;
    return nul != NULL;
}

/* Sequential reading with a sticky failure flag. */
struct bytes_cursor {
    struct bytes b;
    uint64_t off;
    bool failed;
};

static inline void bytes_cursor_init(struct bytes_cursor *c, struct bytes b)
{
    c->b = b;
    c->off = 0;
    c->failed = false;
}

/* The next n-byte integer, little or big endian; 0 once failed. */
static inline uint64_t bytes_cursor_uint_as(struct bytes_cursor *c,
                                            unsigned n, bool big_endian)
{
    uint64_t v = 0;

    if (c->failed || !bytes_uint(c->b, c->off, n, big_endian, &v)) {
        c->failed = true;
        return 0;
    }
    c->off += n;
    return v;
}

static inline uint64_t bytes_cursor_uint(struct bytes_cursor *c, unsigned n)
{
    return bytes_cursor_uint_as(c, n, false);
}

static inline uint64_t bytes_cursor_be(struct bytes_cursor *c, unsigned n)
{
    return bytes_cursor_uint_as(c, n, true);
}

/* Points *out at the next n bytes and skips them. */
static inline bool bytes_cursor_take(struct bytes_cursor *c, uint64_t n,
                                     struct bytes *out)
{
    if (c->failed || !bytes_slice(c->b, c->off, n, out)) {
        c->failed = true;
        return false;
    }
    c->off += n;
    return true;
}

#endif
