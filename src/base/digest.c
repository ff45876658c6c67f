/*
 * digest.c - SHA-256 and HMAC-SHA256 over libcrypto's block functions
 * (digest.h says why not EVP).
 */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_Init: no provider start-up */
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <string.h>

#include "base/digest.h"

_Static_assert(sizeof(SHA_CTX) <= sizeof(struct digest_sha1),
               "struct digest_sha1 holds a SHA_CTX");

void digest_sha1_init(struct digest_sha1 *d)
{
    SHA1_Init((SHA_CTX *)d->state);
}

void digest_sha1_update(struct digest_sha1 *d, const void *data, size_t len)
{
    if (len > 0)
        SHA1_Update((SHA_CTX *)d->state, data, len);
}

void digest_sha1_final(struct digest_sha1 *d, uint8_t out[DIGEST_SHA1_LEN])
{
    SHA1_Final(out, (SHA_CTX *)d->state);
    OPENSSL_cleanse(d, sizeof(*d));
}

void digest_sha256(const void *data, size_t len,
                   uint8_t out[DIGEST_SHA256_LEN])
{
    SHA256_CTX c;

    SHA256_Init(&c);
    SHA256_Update(&c, data, len);
    SHA256_Final(out, &c);
    OPENSSL_cleanse(&c, sizeof(c));
}

/* RFC 2104: H((K ^ opad) || H((K ^ ipad) || data)), K the key padded
 * with zeros to the block size, or its hash when longer. */
void digest_hmac_sha256(const void *key, size_t key_len, const void *data,
                        size_t len, uint8_t out[DIGEST_SHA256_LEN])
{
    uint8_t k[SHA256_CBLOCK], pad[SHA256_CBLOCK], inner[DIGEST_SHA256_LEN];
    SHA256_CTX c;

    memset(k, 0, sizeof(k));
    if (key_len > sizeof(k))
        digest_sha256(key, key_len, k);
    else if (key_len > 0)
        memcpy(k, key, key_len);

    for (size_t i = 0; i < sizeof(pad); i++)
        pad[i] = k[i] ^ 0x36;
    SHA256_Init(&c);
    SHA256_Update(&c, pad, sizeof(pad));
    SHA256_Update(&c, data, len);
    SHA256_Final(inner, &c);

    for (size_t i = 0; i < sizeof(pad); i++)
        pad[i] = k[i] ^ 0x5c;
    SHA256_Init(&c);
    SHA256_Update(&c, pad, sizeof(pad));
    SHA256_Update(&c, inner, sizeof(inner));
    SHA256_Final(out, &c);

    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(pad, sizeof(pad));
    OPENSSL_cleanse(inner, sizeof(inner));
    OPENSSL_cleanse(&c, sizeof(c));
}
