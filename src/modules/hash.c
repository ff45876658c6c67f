/*
 * hash.c - the hash module: md5, sha1, sha256 (lowercase hex, by OpenSSL),
 * checksum32 and crc32 of a range of the data or of a string. Ranges as
 * mod_range takes them (modules.h). A digest of a range is kept for the
 * rest of the file's scan: rule sets compare `hash.md5(0, filesize)` with
 * one value per rule, hundreds of times per file.
 */
#include <openssl/evp.h>
#include <zlib.h>

#include "modules/modules.h"

static bool bytes_of(const struct mod_call *c, bool range, const uint8_t **p,
                     size_t *n)
{
    if (range)
        return mod_range(c, c->args[0].u.i, c->args[1].u.i, p, n);
    *p = c->args[0].u.s;
    *n = c->args[0].len;
    return true;
}

enum { ALGO_MD5, ALGO_SHA1, ALGO_SHA256 };

/* The digests of ranges computed during one file's scan (inst->state, in
 * the scan's arena, so gone with the file). */
#define CACHE_MAX 64
struct digest_cache {
    uint32_t n;
    struct cached {
        int algo;
        const uint8_t *p; /* the range's bytes: equal ranges, equal p, n */
        size_t n;
        struct mod_val hex;
    } e[CACHE_MAX];
};

static const EVP_MD *algo_md(int algo)
{
    return algo == ALGO_MD5 ? EVP_md5()
         : algo == ALGO_SHA1 ? EVP_sha1() : EVP_sha256();
}

static void digest(struct mod_call *c, bool range, int algo)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    struct digest_cache *cache = range ? c->inst->state : NULL;
    const uint8_t *p;
    size_t n;

    if (!bytes_of(c, range, &p, &n))
        return;
    for (uint32_t i = 0; cache != NULL && i < cache->n; i++) {
        if (cache->e[i].algo == algo && cache->e[i].p == p &&
            cache->e[i].n == n) {
            c->ret = cache->e[i].hex;
            return;
        }
    }
    if (!EVP_Digest(p, n, out, &len, algo_md(algo), NULL))
        return;
    mod_ret_hex(c, out, len);
    if (!range || c->ret.type != MV_STR)
        return;
    if (cache == NULL) {
        cache = arena_alloc(c->inst->arena, sizeof(*cache));
        if (cache == NULL)
            return;
        cache->n = 0;
        c->inst->state = cache;
    }
    if (cache->n < CACHE_MAX)
        cache->e[cache->n++] = (struct cached){algo, p, n, c->ret};
}

static void md5_range(struct mod_call *c) { digest(c, true, ALGO_MD5); }
static void md5_str(struct mod_call *c) { digest(c, false, ALGO_MD5); }
static void sha1_range(struct mod_call *c) { digest(c, true, ALGO_SHA1); }
static void sha1_str(struct mod_call *c) { digest(c, false, ALGO_SHA1); }
static void sha256_range(struct mod_call *c) { digest(c, true, ALGO_SHA256); }
static void sha256_str(struct mod_call *c) { digest(c, false, ALGO_SHA256); }

/* The sum of the bytes, modulo 2^32. */
static void checksum32(struct mod_call *c, bool range)
{
    const uint8_t *p;
    size_t n;
    uint32_t sum = 0;

    if (!bytes_of(c, range, &p, &n))
        return;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    mod_ret_int(c, sum);
}

static void sum_range(struct mod_call *c) { checksum32(c, true); }
static void sum_str(struct mod_call *c) { checksum32(c, false); }

/* The CRC-32 of zlib, gzip and PNG. */
static void crc(struct mod_call *c, bool range)
{
    const uint8_t *p;
    size_t n;
    uLong v = crc32(0L, Z_NULL, 0);

    if (!bytes_of(c, range, &p, &n))
        return;
    while (n > 0) {
        uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt)n;
        v = crc32(v, p, chunk);
        p += chunk;
        n -= chunk;
    }
    mod_ret_int(c, (int64_t)(uint32_t)v);
}

static void crc_range(struct mod_call *c) { crc(c, true); }
static void crc_str(struct mod_call *c) { crc(c, false); }

static const struct mod_overload md5_fns[] = {
    {"ii", 's', md5_range}, {"s", 's', md5_str}};
static const struct mod_overload sha1_fns[] = {
    {"ii", 's', sha1_range}, {"s", 's', sha1_str}};
static const struct mod_overload sha256_fns[] = {
    {"ii", 's', sha256_range}, {"s", 's', sha256_str}};
static const struct mod_overload checksum32_fns[] = {
    {"ii", 'i', sum_range}, {"s", 'i', sum_str}};
static const struct mod_overload crc32_fns[] = {
    {"ii", 'i', crc_range}, {"s", 'i', crc_str}};

static const struct mod_decl members[] = {
    DECL_FUNC("md5", md5_fns),
    DECL_FUNC("sha1", sha1_fns),
    DECL_FUNC("sha256", sha256_fns),
    DECL_FUNC("checksum32", checksum32_fns),
    DECL_FUNC("crc32", crc32_fns),
};

const struct module module_hash = {
    .name = "hash",
    .root = DECL_STRUCT("hash", members),
    .load = NULL,
};
