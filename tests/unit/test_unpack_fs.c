/* Unit tests of the file system readers (src/unpack/squashfs.c, ext.c,
 * jffs2.c) on images of tests/fuzz/corpus (made with mksquashfs, mke2fs,
 * mkfs.jffs2 and tests/audit/jffs2w.py; their
 * entries against the originals are tests/audit/fs.sh's): a file read in
 * pieces, each read going on where the last stopped, is the file read in
 * one go. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness.h"
#include "base/mem.h"
#include "unpack/ext.h"
#include "unpack/jffs2.h"
#include "unpack/squashfs.h"
#include "unpack/unpack.h"

#define MAX_FILES 64

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = NULL;
    long n;

    *len = 0;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (p = malloc((size_t)n)) != NULL &&
        fread(p, 1, (size_t)n, f) == (size_t)n)
        *len = (size_t)n;
    fclose(f);
    return p;
}

/* The next regular file's data in pieces of piece bytes (0: one go), and
   its declared size; false at the end of the image. */
static bool next_file(struct unpack *u, size_t piece, uint8_t **data,
                      size_t *len, int64_t *declared)
{
    struct unpack_entry e;
    enum unpack_result rc;

    while ((rc = unpack_next(u, &e)) == UNPACK_OK &&
           e.kind != UNPACK_REGULAR)
        ;
    if (rc != UNPACK_OK)
        return false;
    *declared = e.size;
    *data = NULL;
    *len = 0;
    for (int calls = 0; calls < 10000; calls++) {
        struct unpack_sink sink;
        uint8_t *more;
        unpack_sink_init(&sink, piece ? piece : 1u << 24, UINT64_MAX, 0);
        unpack_read(u, &sink);
        more = realloc(*data, *len + sink.len + 1);
        if (more == NULL)
            abort();
        *data = more;
        if (sink.len > 0)
            memcpy(*data + *len, sink.data, sink.len);
        *len += sink.len;
        mem_free(sink.data);
        if (sink.stop != UNPACK_STOP_SIZE)
            break;
    }
    return true;
}

static void pieces_are_the_whole(const struct unpack_reader *r,
                                 const char *path, int want_files)
{
    size_t len, n_whole = 0;
    uint8_t *image = slurp(path, &len), *whole[MAX_FILES];
    size_t whole_len[MAX_FILES];
    int64_t declared;
    struct unpack u;
    char msg[128];

    CHECK(image != NULL);
    if (image == NULL)
        return;
    CHECK_INT(unpack_open_with(r, image, len, &u, msg, sizeof(msg)),
              UNPACK_OK);
    while (n_whole < MAX_FILES &&
           next_file(&u, 0, &whole[n_whole], &whole_len[n_whole],
                     &declared)) {
        CHECK_INT(whole_len[n_whole], declared);
        n_whole++;
    }
    unpack_close(&u);
    CHECK_INT(n_whole, want_files);
    CHECK_INT(unpack_open_with(r, image, len, &u, msg, sizeof(msg)),
              UNPACK_OK);
    for (size_t i = 0; i < n_whole; i++) {
        uint8_t *data;
        size_t n;
        CHECK(next_file(&u, 1000, &data, &n, &declared));
        CHECK_INT(n, whole_len[i]);
        CHECK(n == whole_len[i] && memcmp(data, whole[i], n) == 0);
        free(data);
        free(whole[i]);
    }
    unpack_close(&u);
    free(image);
}

TEST(squashfs_read_goes_on_where_it_stopped)
{
    /* 4 KiB blocks: d/a, d/sub/r (9,000 bytes), d/sub/sparse (20,001),
       d/sub/text (13,893); blocks, fragments and a sparse block. */
    pieces_are_the_whole(&unpack_squashfs,
                         "tests/fuzz/corpus/squashfs/gzip.sqfs", 4);
    pieces_are_the_whole(&unpack_squashfs,
                         "tests/fuzz/corpus/squashfs/plain.sqfs", 4);
}

TEST(ext_read_goes_on_where_it_stopped)
{
    /* 1 KiB blocks: d/a, d/sub/r (9,000 bytes), d/sub/sparse (20,001, a
       hole then 3 bytes), d/sub/text (13,893); extents, indirect blocks,
       inline data. */
    pieces_are_the_whole(&unpack_ext, "tests/fuzz/corpus/ext/ext2.img", 4);
    pieces_are_the_whole(&unpack_ext, "tests/fuzz/corpus/ext/ext4.img", 4);
    pieces_are_the_whole(&unpack_ext, "tests/fuzz/corpus/ext/indirect.img",
                         4);
    pieces_are_the_whole(&unpack_ext, "tests/fuzz/corpus/ext/inline.img", 4);
}

TEST(jffs2_read_goes_on_where_it_stopped)
{
    /* The same files in JFFS2 pages: zlib, rtime, lzo, lzma nodes, both
       byte orders; then nodes that overwrite one another (v/over, v/trunc
       with a hole node longer than a page, v/new, v/chmod). */
    pieces_are_the_whole(&unpack_jffs2, "tests/fuzz/corpus/jffs2/le-zlib.img",
                         4);
    pieces_are_the_whole(&unpack_jffs2,
                         "tests/fuzz/corpus/jffs2/be-rtime.img", 4);
    pieces_are_the_whole(&unpack_jffs2, "tests/fuzz/corpus/jffs2/le-lzo.img",
                         4);
    pieces_are_the_whole(&unpack_jffs2,
                         "tests/fuzz/corpus/jffs2/be-lzma.img", 4);
    pieces_are_the_whole(&unpack_jffs2, "tests/fuzz/corpus/jffs2/le-ver.img",
                         4);
}
