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

void digest_sha256(const void *data, size_t len,
                   uint8_t out[DIGEST_SHA256_LEN]);
void digest_hmac_sha256(const void *key, size_t key_len, const void *data,
                        size_t len, uint8_t out[DIGEST_SHA256_LEN]);

#endif
