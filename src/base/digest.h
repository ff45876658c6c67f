/*
 * digest.h - SHA-256 and HMAC-SHA256 for the compiled-rules file.
 *
 * Both use libcrypto's SHA-256 block functions, not the EVP interface:
 * EVP's first use starts OpenSSL 3's provider machinery, which leaves
 * about 3 MiB of libcrypto resident in every process that loads compiled
 * rules, more than yara needs for the whole scan of a small rule set.
 * HMAC is RFC 2104's construction over that hash; tests/unit checks it
 * against libcrypto's own HMAC() and RFC 4231's vectors.
 */
#ifndef CANDOR_BASE_DIGEST_H
#define CANDOR_BASE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_SHA256_LEN 32
#define DIGEST_SHA1_LEN 20

/* SHA-1, for formats that carry one (Android boot image ids): a context
   fed in pieces. */
struct digest_sha1 {
    uint64_t state[16]; /* libcrypto's SHA_CTX fits (checked in digest.c) */
};
void digest_sha1_init(struct digest_sha1 *d);
void digest_sha1_update(struct digest_sha1 *d, const void *data, size_t len);
void digest_sha1_final(struct digest_sha1 *d, uint8_t out[DIGEST_SHA1_LEN]);

void digest_sha256(const void *data, size_t len,
                   uint8_t out[DIGEST_SHA256_LEN]);
void digest_hmac_sha256(const void *key, size_t key_len, const void *data,
                        size_t len, uint8_t out[DIGEST_SHA256_LEN]);

#endif
