/* Unit tests of the firmware image readers (src/unpack: uimage.c, trx.c,
 * sparse.c, bootimg.c, hexrec.c, ubi.c):
 * images laid out here by their published descriptions, their checksums
 * by zlib's crc32, each entry read whole and in small pieces (unpack.h: a
 * read goes on where the last one stopped). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "../harness.h"
#include "base/mem.h"
#include "unpack/bootimg.h"
#include "unpack/hexrec.h"
#include "unpack/sparse.h"
#include "unpack/trx.h"
#include "unpack/ubi.h"
#include "unpack/uimage.h"
#include "unpack/unpack.h"

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Reads the current entry in pieces of piece bytes into out; the stop of
   the last piece in *stop. Returns the bytes read. */
static size_t read_pieces(struct unpack *u, size_t piece, uint8_t *out,
                          size_t cap, enum unpack_stop *stop)
{
    size_t got = 0;

    for (int calls = 0; calls < 10000; calls++) {
        struct unpack_sink sink;
        unpack_sink_init(&sink, piece, UINT64_MAX, 0);
        unpack_read(u, &sink);
        if (sink.len > 0 && got + sink.len <= cap)
            memcpy(out + got, sink.data, sink.len);
        got += sink.len;
        mem_free(sink.data);
        *stop = sink.stop;
        if (sink.stop != UNPACK_STOP_SIZE)
            break;
    }
    return got;
}

/* A multi-file uImage (U-Boot's include/image.h): the 64-byte header,
   the table 5, 3, 0, then "hello" padded to 4 and "abc". */
static size_t make_multi(uint8_t *img)
{
    static const uint8_t payload[] = {0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 0,
                                      'h', 'e', 'l', 'l', 'o', 0, 0, 0,
                                      'a', 'b', 'c'};
    size_t n = sizeof(payload);

    memset(img, 0, 64);
    put_be32(img, 0x27051956);
    put_be32(img + 12, (uint32_t)n);
    put_be32(img + 24, (uint32_t)crc32(0, payload, (uInt)n));
    img[30] = 4; /* multi-file */
    memcpy(img + 32, "m", 1);
    memcpy(img + 64, payload, n);
    put_be32(img + 4, (uint32_t)crc32(0, img, 64));
    return 64 + n;
}

TEST(uimage_multi_file_entries_in_pieces_and_the_data_crc)
{
    uint8_t img[128], out[16];
    size_t n = make_multi(img);
    struct unpack u;
    struct unpack_entry e;
    enum unpack_stop stop;
    char msg[64];

    CHECK_INT(unpack_open_with(&unpack_uimage, img, n, &u, msg, sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_STR(e.path, "m/0");
    CHECK_INT(read_pieces(&u, 2, out, sizeof(out), &stop), 5);
    CHECK(memcmp(out, "hello", 5) == 0);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_STR(e.path, "m/1");
    CHECK_INT(read_pieces(&u, 1, out, sizeof(out), &stop), 3);
    CHECK(memcmp(out, "abc", 3) == 0);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_next(&u, &e), UNPACK_END);
    CHECK_INT(unpack_extent(&u), n);
    unpack_close(&u);

    img[64 + 12] = 'j'; /* "jello": the data CRC fails on the last entry */
    CHECK_INT(unpack_open_with(&unpack_uimage, img, n, &u, msg, sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 100, out, sizeof(out), &stop), 5);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 2, out, sizeof(out), &stop), 3);
    CHECK_INT(stop, UNPACK_STOP_ERROR); /* after its bytes */
    CHECK(strstr(unpack_error(&u), "CRC-32") != NULL);
    unpack_close(&u);

    img[20] ^= 1; /* the header's CRC fails: no uImage */
    CHECK_INT(unpack_open_with(&unpack_uimage, img, n, &u, msg, sizeof(msg)),
              UNPACK_NOT_CONTAINER);
}

TEST(uimage_truncated_payload_gives_what_is_there)
{
    uint8_t img[128], out[16];
    size_t n = make_multi(img);
    struct unpack u;
    struct unpack_entry e;
    enum unpack_stop stop;
    char msg[64];

    CHECK_INT(unpack_open_with(&unpack_uimage, img, n - 2, &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 3, out, sizeof(out), &stop), 5);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 3, out, sizeof(out), &stop), 1);
    CHECK_INT(stop, UNPACK_STOP_ERROR);
    CHECK(strstr(unpack_error(&u), "truncated") != NULL);
    CHECK_INT(unpack_extent(&u), 0); /* unknown: the image is cut */
    unpack_close(&u);
}

/* A TRX v1 (OpenWrt's docs/techref/headers): partitions at 28 ("loader"
   of 8 bytes) and 36 (a "kernel" of 12), length 48; the CRC-32 from the
   flags on, without the final inversion. */
TEST(trx_partitions_in_pieces_and_the_image_crc)
{
    uint8_t img[48], out[16];
    struct unpack u;
    struct unpack_entry e;
    enum unpack_stop stop;
    char msg[64];

    memset(img, 0, sizeof(img));
    memcpy(img, "HDR0", 4);
    put_le32(img + 4, sizeof(img));
    put_le32(img + 12, 1u << 16);
    put_le32(img + 16, 28);
    put_le32(img + 20, 36);
    memcpy(img + 28, "LOADER..", 8);
    memcpy(img + 36, "KERNEL-BYTES", 12);
    put_le32(img + 8, ~(uint32_t)crc32(0, img + 12, sizeof(img) - 12));
    CHECK_INT(unpack_open_with(&unpack_trx, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_STR(e.path, "loader");
    CHECK_INT(read_pieces(&u, 3, out, sizeof(out), &stop), 8);
    CHECK(memcmp(out, "LOADER..", 8) == 0);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_STR(e.path, "kernel");
    CHECK_INT(read_pieces(&u, 5, out, sizeof(out), &stop), 12);
    CHECK(memcmp(out, "KERNEL-BYTES", 12) == 0);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_next(&u, &e), UNPACK_END);
    CHECK_INT(unpack_extent(&u), sizeof(img));
    unpack_close(&u);

    img[40] = 'X'; /* the CRC fails on the last partition */
    CHECK_INT(unpack_open_with(&unpack_trx, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 100, out, sizeof(out), &stop), 8);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 100, out, sizeof(out), &stop), 12);
    CHECK_INT(stop, UNPACK_STOP_ERROR);
    unpack_close(&u);

    put_le32(img + 20, 20); /* a partition inside the header: no TRX */
    CHECK_INT(unpack_open_with(&unpack_trx, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_NOT_CONTAINER);
}

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* An Android sparse image (AOSP libsparse's sparse_format.h) of 8-byte
   blocks: a raw block "RAWBLOCK", two blocks filled with "ab12", one
   don't-care block, a CRC32 chunk of the 32 bytes so far. */
static size_t make_sparse(uint8_t *img, uint8_t *want)
{
    size_t n = 28;

    memcpy(want, "RAWBLOCKab12ab12ab12ab12\0\0\0\0\0\0\0\0", 32);
    memset(img, 0, 28);
    put_le32(img, 0xED26FF3A);
    put_le16(img + 4, 1);
    put_le16(img + 8, 28);
    put_le16(img + 10, 12);
    put_le32(img + 12, 8);
    put_le32(img + 16, 4);
    put_le32(img + 20, 4);
    put_le16(img + n, 0xCAC1), put_le32(img + n + 4, 1);
    put_le32(img + n + 8, 20), memcpy(img + n + 12, "RAWBLOCK", 8);
    n += 20;
    put_le16(img + n, 0xCAC2), put_le32(img + n + 4, 2);
    put_le32(img + n + 8, 16), memcpy(img + n + 12, "ab12", 4);
    n += 16;
    put_le16(img + n, 0xCAC3), put_le32(img + n + 4, 1);
    put_le32(img + n + 8, 12);
    n += 12;
    put_le16(img + n, 0xCAC4), put_le32(img + n + 4, 0);
    put_le32(img + n + 8, 16);
    put_le32(img + n + 12, (uint32_t)crc32(0, want, 32));
    return n + 16;
}

TEST(sparse_chunks_in_pieces_and_the_crc_chunk)
{
    uint8_t img[128], want[32], out[64];
    size_t n = make_sparse(img, want);
    struct unpack u;
    struct unpack_entry e;
    enum unpack_stop stop;
    char msg[64];

    for (size_t piece = 1; piece <= 7; piece += 3) {
        CHECK_INT(unpack_open_with(&unpack_sparse, img, n, &u, msg,
                                   sizeof(msg)),
                  UNPACK_OK);
        CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
        CHECK(e.unnamed);
        CHECK_INT(e.size, 32);
        CHECK_INT(read_pieces(&u, piece, out, sizeof(out), &stop), 32);
        CHECK(memcmp(out, want, 32) == 0);
        CHECK_INT(stop, UNPACK_STOP_NONE);
        CHECK_INT(unpack_next(&u, &e), UNPACK_END);
        CHECK_INT(unpack_extent(&u), n);
        unpack_close(&u);
    }

    img[28 + 12] = 'r'; /* the CRC32 chunk fails, after the bytes */
    CHECK_INT(unpack_open_with(&unpack_sparse, img, n, &u, msg, sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 5, out, sizeof(out), &stop), 32);
    CHECK_INT(stop, UNPACK_STOP_ERROR);
    CHECK(strstr(unpack_error(&u), "CRC32") != NULL);
    unpack_close(&u);

    /* cut in the fill chunk: the raw block, then the error */
    CHECK_INT(unpack_open_with(&unpack_sparse, img, 28 + 20 + 14, &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 100, out, sizeof(out), &stop), 8);
    CHECK_INT(stop, UNPACK_STOP_ERROR);
    CHECK_INT(unpack_extent(&u), 48);
    unpack_close(&u);

    put_le16(img + 4, 2); /* major version 2: not this format */
    CHECK_INT(unpack_open_with(&unpack_sparse, img, n, &u, msg, sizeof(msg)),
              UNPACK_NOT_CONTAINER);
}

/* A don't-care chunk of 2^32 - 1 blocks of 2 GiB (2^63 bytes) in a file
   of 40 bytes: nothing is allocated for it, the ratio limit stops it. */
TEST(sparse_huge_dont_care_stops_at_the_ratio_limit)
{
    uint8_t img[40];
    struct unpack u;
    struct unpack_entry e;
    struct unpack_sink sink;
    char msg[64];

    memset(img, 0, sizeof(img));
    put_le32(img, 0xED26FF3A);
    put_le16(img + 4, 1);
    put_le16(img + 8, 28);
    put_le16(img + 10, 12);
    put_le32(img + 12, 1u << 31);
    put_le32(img + 16, 0xFFFFFFFFu);
    put_le32(img + 20, 1);
    put_le16(img + 28, 0xCAC3);
    put_le32(img + 32, 0xFFFFFFFFu);
    put_le32(img + 36, 12);
    CHECK_INT(unpack_open_with(&unpack_sparse, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(e.size, (int64_t)0x7FFFFFFF80000000);
    unpack_sink_init(&sink, 1u << 16, 40u * 1000, 0);
    sink.drain = true;
    unpack_read(&u, &sink);
    CHECK_INT(unpack_sink_result(&sink), UNPACK_STOP_RATIO);
    CHECK_INT(sink.len, 1u << 16);
    mem_free(sink.data);
    unpack_close(&u);
}

/* An Android boot image, header version 0 (AOSP bootimg.h): 2048-byte
   pages, the header, "KERNEL" and "RAMDISK" each at a page; no id. */
TEST(bootimg_v0_sections_in_pieces_and_truncation)
{
    static uint8_t img[3 * 2048];
    uint8_t out[16];
    struct unpack u;
    struct unpack_entry e;
    enum unpack_stop stop;
    char msg[64];

    memset(img, 0, sizeof(img));
    memcpy(img, "ANDROID!", 8);
    put_le32(img + 8, 6);
    put_le32(img + 16, 7);
    put_le32(img + 36, 2048);
    memcpy(img + 2048, "KERNEL", 6);
    memcpy(img + 4096, "RAMDISK", 7);
    CHECK_INT(unpack_open_with(&unpack_bootimg, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_STR(e.path, "kernel");
    CHECK_INT(read_pieces(&u, 1, out, sizeof(out), &stop), 6);
    CHECK(memcmp(out, "KERNEL", 6) == 0);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_STR(e.path, "ramdisk");
    CHECK_INT(read_pieces(&u, 3, out, sizeof(out), &stop), 7);
    CHECK(memcmp(out, "RAMDISK", 7) == 0);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_next(&u, &e), UNPACK_END);
    CHECK_INT(unpack_extent(&u), sizeof(img));
    unpack_close(&u);

    /* cut in the ramdisk: its first 4 bytes, then the error */
    CHECK_INT(unpack_open_with(&unpack_bootimg, img, 4096 + 4, &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 3, out, sizeof(out), &stop), 4);
    CHECK_INT(stop, UNPACK_STOP_ERROR);
    CHECK(strstr(unpack_error(&u), "truncated") != NULL);
    CHECK_INT(unpack_extent(&u), 0);
    unpack_close(&u);

    put_le32(img + 36, 1000); /* no power of two: no boot image */
    CHECK_INT(unpack_open_with(&unpack_bootimg, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_NOT_CONTAINER);
}

/* Appends an Intel HEX record (Intel's specification, rev. A) to text. */
static void ihex_put(char *text, unsigned type, unsigned off,
                     const uint8_t *data, unsigned n)
{
    unsigned sum = n + (off >> 8) + (off & 0xff) + type;
    size_t len = strlen(text);

    len += (size_t)sprintf(text + len, ":%02X%04X%02X", n, off, type);
    for (unsigned i = 0; i < n; i++) {
        len += (size_t)sprintf(text + len, "%02X", data[i]);
        sum += data[i];
    }
    sprintf(text + len, "%02X\r\n", (0x100 - (sum & 0xff)) & 0xff);
}

/* Extended segment addressing: a record at offset 0xFFF8 of segment
   0x1000 wraps to the segment's start (the specification's
   SBA + ((DRLO + DRI) mod 64K)): a 64 KiB image from 0x10000, the record's
   last 8 bytes first, its first 8 last, 0xFF between. */
TEST(ihex_segment_wrap_in_pieces)
{
    static const uint8_t seg[2] = {0x10, 0x00};
    uint8_t data[16];
    static uint8_t out[70000];
    char text[512] = "";
    struct unpack u;
    struct unpack_entry e;
    enum unpack_stop stop;
    char msg[64];
    size_t n;

    for (int i = 0; i < 16; i++)
        data[i] = (uint8_t)(0xA0 + i);
    ihex_put(text, 2, 0, seg, 2);
    ihex_put(text, 0, 0xFFF8, data, 16);
    ihex_put(text, 1, 0, NULL, 0);
    CHECK_INT(unpack_open_with(&unpack_ihex, (const uint8_t *)text,
                               strlen(text), &u, msg, sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(e.size, 65536);
    n = read_pieces(&u, 5000, out, sizeof(out), &stop);
    CHECK_INT(n, 65536);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK(memcmp(out, data + 8, 8) == 0);
    CHECK(memcmp(out + 65528, data, 8) == 0);
    CHECK_INT(out[8], 0xFF);
    CHECK_INT(out[65527], 0xFF);
    CHECK_INT(unpack_extent(&u), strlen(text));
    unpack_close(&u);

    /* The same data record twice: an overlap, reported after the bytes */
    text[0] = '\0';
    ihex_put(text, 0, 0x100, data, 16);
    ihex_put(text, 0, 0x108, data, 16);
    ihex_put(text, 1, 0, NULL, 0);
    CHECK_INT(unpack_open_with(&unpack_ihex, (const uint8_t *)text,
                               strlen(text), &u, msg, sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 3, out, sizeof(out), &stop), 24);
    CHECK(memcmp(out, data, 16) == 0 && memcmp(out + 16, data + 8, 8) == 0);
    CHECK_INT(stop, UNPACK_STOP_ERROR);
    CHECK(strstr(unpack_error(&u), "overlap") != NULL);
    unpack_close(&u);
}

/* An S-record file (SRecord's srec(5)): S0 header, S1 data "HI" at 0x10
   and "THERE" at 0x14, S9 end; the checksum the ones' complement of the
   sum. */
TEST(srec_records_and_gap)
{
    static const char text[] = "S00600004844521B\n"
                               "S1050010484959\n"
                               "S108001454484552456B\n"
                               "S9030000FC\n";
    uint8_t out[16];
    struct unpack u;
    struct unpack_entry e;
    enum unpack_stop stop;
    char msg[64];

    CHECK_INT(unpack_open_with(&unpack_srec, (const uint8_t *)text,
                               strlen(text), &u, msg, sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 2, out, sizeof(out), &stop), 9);
    CHECK(memcmp(out, "HI\xff\xffTHERE", 9) == 0);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    unpack_close(&u);
    CHECK_INT(unpack_open_with(&unpack_ihex, (const uint8_t *)text,
                               strlen(text), &u, msg, sizeof(msg)),
              UNPACK_NOT_CONTAINER);
}

/* A UBI PEB of 1024 bytes (Linux's ubi-media.h): the EC header at 0, the
   VID header at 64, data at 128; CRCs preset to all ones, not inverted. */
static void ubi_peb(uint8_t *peb, uint32_t vol, uint32_t lnum, uint8_t type,
                    const char *data, uint32_t used_ebs)
{
    uint32_t n = (uint32_t)strlen(data);

    memset(peb, 0xff, 1024);
    memset(peb, 0, 64);
    put_be32(peb, 0x55424923);
    peb[4] = 1;
    put_be32(peb + 16, 64);
    put_be32(peb + 20, 128);
    put_be32(peb + 60, ~(uint32_t)crc32(0, peb, 60));
    memset(peb + 64, 0, 64);
    put_be32(peb + 64, 0x55424921);
    peb[64 + 4] = 1;
    peb[64 + 5] = type;
    put_be32(peb + 64 + 8, vol);
    put_be32(peb + 64 + 12, lnum);
    if (type == 2) {
        put_be32(peb + 64 + 20, n);
        put_be32(peb + 64 + 24, used_ebs);
        put_be32(peb + 64 + 32, ~(uint32_t)crc32(0, (const uint8_t *)data,
                                                  n));
    }
    put_be32(peb + 64 + 60, ~(uint32_t)crc32(0, peb + 64, 60));
    memcpy(peb + 128, data, n);
}

/* Volume 5 (dynamic): LEB 0 and LEB 2, LEB 1 unmapped (0xFF); volume 6
   (static): 10 bytes. No volume table: named volume-ID. */
TEST(ubi_volumes_in_pieces)
{
    static uint8_t img[3 * 1024], out[4096];
    struct unpack u;
    struct unpack_entry e;
    enum unpack_stop stop;
    char msg[64];

    ubi_peb(img, 5, 2, 1, "third LEB", 0);
    ubi_peb(img + 1024, 6, 0, 2, "static 10", 1);
    ubi_peb(img + 2048, 5, 0, 1, "first LEB", 0);
    CHECK_INT(unpack_open_with(&unpack_ubi, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_STR(e.path, "volume-5");
    CHECK_INT(e.size, 3 * 896);
    CHECK_INT(read_pieces(&u, 100, out, sizeof(out), &stop), 3 * 896);
    CHECK(memcmp(out, "first LEB", 9) == 0);
    CHECK_INT(out[9], 0xff);
    CHECK_INT(out[896], 0xff);
    CHECK(memcmp(out + 2 * 896, "third LEB", 9) == 0);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_STR(e.path, "volume-6");
    CHECK_INT(read_pieces(&u, 3, out, sizeof(out), &stop), 9);
    CHECK(memcmp(out, "static 10", 9) == 0);
    CHECK_INT(stop, UNPACK_STOP_NONE);
    CHECK_INT(unpack_next(&u, &e), UNPACK_END);
    CHECK_INT(unpack_extent(&u), sizeof(img));
    unpack_close(&u);

    img[1024 + 128] = 'S'; /* the static LEB's data CRC fails */
    CHECK_INT(unpack_open_with(&unpack_ubi, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(read_pieces(&u, 4, out, sizeof(out), &stop), 9);
    CHECK_INT(stop, UNPACK_STOP_ERROR);
    CHECK(strstr(unpack_error(&u), "data CRC") != NULL);
    unpack_close(&u);

    img[60] ^= 1; /* the first EC header's CRC fails: no UBI */
    CHECK_INT(unpack_open_with(&unpack_ubi, img, sizeof(img), &u, msg,
                               sizeof(msg)),
              UNPACK_NOT_CONTAINER);
}

/* 2^22 + 1 data records of one byte (58 MB of text): the first 2^22 are
   laid out, then an error says the rest was not read (the index is
   bounded: 24 bytes a record). */
TEST(ihex_records_past_the_index_bound)
{
    size_t n = (1u << 22) + 1, len = 0, cap = n * 15 + 4096;
    char *text = mem_calloc(cap, 1);
    struct unpack u;
    struct unpack_entry e;
    struct unpack_sink sink;
    char msg[64];

    if (text == NULL) {
        CHECK(text != NULL);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned off = (unsigned)(i & 0xffff), b = (unsigned)(i & 0xff);
        unsigned hi = (unsigned)(i >> 24) & 0xff, lo = (unsigned)(i >> 16) &
                                                        0xff;
        if (off == 0)
            len += (size_t)sprintf(text + len, ":02000004%02X%02X%02X\n", hi,
                                   lo, (0x100 - ((6 + hi + lo) & 0xff)) & 0xff);
        len += (size_t)sprintf(text + len, ":01%04X00%02X%02X\n", off, b,
                               (0x100 - ((1 + (off >> 8) + (off & 0xff) + b) &
                                         0xff)) & 0xff);
    }
    len += (size_t)sprintf(text + len, ":00000001FF\n");
    CHECK_INT(unpack_open_with(&unpack_ihex, (const uint8_t *)text, len, &u,
                               msg, sizeof(msg)),
              UNPACK_OK);
    CHECK_INT(unpack_next(&u, &e), UNPACK_OK);
    CHECK_INT(e.size, 1 << 22);
    unpack_sink_init(&sink, UINT64_MAX, UINT64_MAX, 0);
    unpack_read(&u, &sink);
    CHECK_INT(sink.len, 1u << 22);
    CHECK_INT(sink.stop, UNPACK_STOP_ERROR);
    CHECK(sink.len == (1u << 22) && sink.data[1000] == (1000 & 0xff) &&
          sink.data[(1u << 22) - 1] == 0xff);
    CHECK(strstr(unpack_error(&u), "more than 4194304 data records") !=
          NULL);
    mem_free(sink.data);
    unpack_close(&u);
    mem_free(text);
}
