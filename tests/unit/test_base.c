/* Unit tests of src/base: the byte reader, arena, buffer, map, allocator,
 * digests. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../harness.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/bytes.h"
#include "base/digest.h"
#include "base/map.h"
#include "base/mem.h"
#include "base/vec.h"

TEST(bytes_reads_in_range_and_refuses_outside)
{
    const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05};
    struct bytes b = bytes_make(data, sizeof(data));
    uint32_t v32 = 0xdeadbeef;
    uint16_t v16 = 0;
    uint64_t v = 0;

    CHECK(bytes_u32le(b, 0, &v32));
    CHECK_INT(v32, 0x04030201);
    CHECK(bytes_u32be(b, 1, &v32));
    CHECK_INT(v32, 0x02030405);
    CHECK(!bytes_u32le(b, 2, &v32));
    CHECK_INT(v32, 0x02030405); /* untouched on failure */
    CHECK(bytes_u16be(b, 3, &v16));
    CHECK_INT(v16, 0x0405);
    CHECK(!bytes_uint(b, UINT64_MAX, 1, false, &v));
    CHECK(!bytes_has(b, UINT64_MAX - 1, 4)); /* would wrap */
    CHECK(bytes_has(b, 5, 0));
    CHECK(!bytes_has(b, 6, 0));
}

TEST(bytes_copy_of_nothing_from_an_empty_view)
{
    struct bytes b = bytes_make(NULL, 0); /* an empty file has no mapping */
    uint8_t out[1] = {7};

    CHECK(bytes_copy(b, 0, out, 0)); /* no memcpy from NULL (UBSan) */
    CHECK(!bytes_copy(b, 0, out, 1));
    CHECK_INT(out[0], 7);
}

TEST(bytes_cstr_stops_at_nul_max_and_end)
{
    const uint8_t data[] = {'a', 'b', 0, 'c', 'd'};
    struct bytes b = bytes_make(data, sizeof(data));
    size_t len = 99;

    CHECK(bytes_cstr(b, 0, SIZE_MAX, &len));
    CHECK_INT(len, 2);
    CHECK(bytes_cstr(b, 0, 3, &len)); /* the NUL is the third byte */
    CHECK_INT(len, 2);
    CHECK(!bytes_cstr(b, 0, 2, &len)); /* max stops before it */
    CHECK_INT(len, 2);
    CHECK(!bytes_cstr(b, 0, 1, &len));
    CHECK_INT(len, 1);
    CHECK(bytes_cstr(b, 2, SIZE_MAX, &len)); /* an empty string */
    CHECK_INT(len, 0);
    CHECK(!bytes_cstr(b, 3, SIZE_MAX, &len)); /* the end stops it */
    CHECK_INT(len, 2);
    CHECK(!bytes_cstr(b, 3, 0, &len));
    CHECK_INT(len, 0);
    len = 99;
    CHECK(!bytes_cstr(b, 5, SIZE_MAX, &len)); /* at the end */
    CHECK_INT(len, 0);
    len = 99;
    CHECK(!bytes_cstr(b, UINT64_MAX, SIZE_MAX, &len));
    CHECK_INT(len, 0);
    /* a view that ends before the NUL of the bytes behind it */
    CHECK(!bytes_cstr(bytes_make(data, 2), 0, SIZE_MAX, &len));
    CHECK_INT(len, 2);
}

TEST(bytes_cursor_fails_stickily)
{
    const uint8_t data[] = {1, 0, 2};
    struct bytes_cursor c;

    bytes_cursor_init(&c, bytes_make(data, sizeof(data)));
    CHECK_INT(bytes_cursor_uint(&c, 2), 1);
    CHECK_INT(bytes_cursor_uint(&c, 2), 0);
    CHECK(c.failed);
    CHECK_INT(bytes_cursor_uint(&c, 1), 0); /* would succeed, but sticky */
}

TEST(arena_survives_big_blocks_and_reset)
{
    struct arena a;
    char *small, *big;

    arena_init(&a, 256);
    small = arena_strdup(&a, "abc");
    big = arena_alloc(&a, 10000);
    CHECK(small != NULL && big != NULL);
    CHECK_STR(small, "abc");
    CHECK(arena_alloc_array(&a, SIZE_MAX / 2, 4) == NULL);
    arena_reset(&a);
    CHECK(arena_alloc(&a, 16) != NULL);
    arena_fini(&a);
}

TEST(buf_respects_its_cap)
{
    struct buf b;

    buf_init(&b, 8);
    CHECK(buf_puts(&b, "12345678"));
    CHECK(!buf_putc(&b, '9'));
    CHECK(b.failed);
    CHECK_INT(b.len, 8);
    buf_fini(&b);
    buf_init(&b, 1024);
    CHECK(buf_printf(&b, "%d-%s", 42, "x"));
    CHECK_STR((char *)b.data, "42-x");
    buf_fini(&b);
}

TEST(map_puts_gets_and_grows)
{
    struct map m;
    static char keys[1000][8];
    uint64_t v = 0;

    map_init(&m);
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(keys[i], sizeof(keys[i]), "k%d", i);
        CHECK(map_put(&m, keys[i], (size_t)n, (uint64_t)i * 3));
    }
    CHECK(map_get(&m, "k999", 4, &v));
    CHECK_INT(v, 2997);
    CHECK(!map_get(&m, "k1000", 5, &v));
    CHECK_INT(m.n, 1000);
    map_fini(&m);
}

TEST(mem_fault_hook_fails_the_nth_allocation)
{
    void *a, *b;

    mem_fail_after(2);
    a = mem_alloc(8);
    b = mem_alloc(8);
    mem_fail_after(0);
    CHECK(a != NULL);
    CHECK(b == NULL);
    mem_free(a);
}

TEST(vec_pushes_and_takes)
{
    struct vec v;
    size_t n;
    int *p;

    vec_init(&v, sizeof(int));
    for (int i = 0; i < 100; i++) {
        p = vec_push(&v);
        CHECK(p != NULL);
        if (p != NULL)
            *p = i;
    }
    CHECK_INT(*(int *)vec_at(&v, 57), 57);
    p = vec_take(&v, &n);
    CHECK_INT(n, 100);
    mem_free(p);
}

static void hex32(const uint8_t d[DIGEST_SHA256_LEN], char out[65])
{
    for (int i = 0; i < DIGEST_SHA256_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* FIPS 180-2's "abc" and RFC 4231's test cases 1 (short key) and 6 (key
 * longer than the block, hashed first). */
TEST(digest_matches_published_vectors)
{
    uint8_t d[DIGEST_SHA256_LEN], key[131];
    char hex[65];
    const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";

    digest_sha256("abc", 3, d);
    hex32(d, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223"
                   "b00361a396177a9cb410ff61f20015ad");
    memset(key, 0x0b, 20);
    digest_hmac_sha256(key, 20, "Hi There", 8, d);
    hex32(d, hex);
    CHECK_STR(hex, "b0344c61d8db38535ca8afceaf0bf12b"
                   "881dc200c9833da726e9376c2e32cff7");
    memset(key, 0xaa, sizeof(key));
    digest_hmac_sha256(key, sizeof(key), big, strlen(big), d);
    hex32(d, hex);
    CHECK_STR(hex, "60e431591ee0b67f0d8a26aacbf5b77f"
                   "8e0bc6213728c5140546040f0ee37f54");
}

/* Every key length around the block size (64) against libcrypto's HMAC. */
TEST(digest_hmac_equals_libcrypto_for_every_key_length)
{
    uint8_t key[200], data[300], mine[DIGEST_SHA256_LEN];
    unsigned char theirs[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 13 + 5);
    for (size_t k = 1; k <= sizeof(key); k++) {
        size_t len = (k * 37) % sizeof(data);
        digest_hmac_sha256(key, k, data, len, mine);
        CHECK(HMAC(EVP_sha256(), key, (int)k, data, len, theirs, &n) != NULL);
        CHECK_INT(n, DIGEST_SHA256_LEN);
        CHECK(memcmp(mine, theirs, DIGEST_SHA256_LEN) == 0);
    }
}
