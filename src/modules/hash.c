/*
 * hash.c - the hash module: md5, sha1, sha256 (lowercase hex, by OpenSSL),
 * checksum32 and crc32 of a range of the data or of a string. Ranges as
 * mod_range takes them (modules.h). The range forms are pure: the VM
 * keeps their results for the rest of the file (rule sets compare
 * `hash.md5(0, filesize)` with one value per rule).
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

static void digest(struct mod_call *c, bool range, const EVP_MD *md)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const uint8_t *p;
    size_t n;

    if (bytes_of(c, range, &p, &n) && EVP_Digest(p, n, out, &len, md, NULL))
        mod_ret_hex(c, out, len);
}

static void md5_range(struct mod_call *c) { digest(c, true, EVP_md5()); }
static void md5_str(struct mod_call *c) { digest(c, false, EVP_md5()); }
static void sha1_range(struct mod_call *c) { digest(c, true, EVP_sha1()); }
static void sha1_str(struct mod_call *c) { digest(c, false, EVP_sha1()); }
static void sha256_range(struct mod_call *c) { digest(c, true, EVP_sha256()); }
static void sha256_str(struct mod_call *c) { digest(c, false, EVP_sha256()); }

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
    MOD_PURE_FN("ii", 's', md5_range), MOD_FN("s", 's', md5_str)};
static const struct mod_overload sha1_fns[] = {
    MOD_PURE_FN("ii", 's', sha1_range), MOD_FN("s", 's', sha1_str)};
static const struct mod_overload sha256_fns[] = {
    MOD_PURE_FN("ii", 's', sha256_range), MOD_FN("s", 's', sha256_str)};
static const struct mod_overload checksum32_fns[] = {
    MOD_PURE_FN("ii", 'i', sum_range), MOD_FN("s", 'i', sum_str)};
static const struct mod_overload crc32_fns[] = {
    MOD_PURE_FN("ii", 'i', crc_range), MOD_FN("s", 'i', crc_str)};

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
