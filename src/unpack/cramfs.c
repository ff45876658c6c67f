/*
 * cramfs.c - see cramfs.h.
 *
 * The layout is Linux's (include/uapi/linux/cramfs_fs.h, and
 * Documentation/filesystems/cramfs.rst): a 76-byte superblock at offset 0
 * (or 512, after a boot block), magic 0x28cd3d45, the image's size, flags,
 * the signature "Compressed ROMFS", a CRC, counts, a name and the root
 * inode. An inode is three 32-bit words: mode and uid (16 bits each), size
 * (24) and gid (8), name length in 4-byte units (6) and the offset of the
 * data in 4-byte units (26); in a big-endian image each word is stored big
 * endian and its fields are allocated from the most significant bit. A
 * directory's data is its entries, each an inode followed by its name
 * padded with NULs, `size` bytes in all. A file's (and a symbolic link's)
 * data is a table of one 32-bit pointer per 4096-byte block, each to the
 * end of the block's zlib stream, the first block starting after the
 * table; a block whose stream is empty is a hole of zeros. Devices keep
 * their number in `size`. Not read: the extended block pointers of Linux
 * 4.15 (flag 0x800), which are refused as an error.
 */
#include "unpack/cramfs.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/mem.h"

#define MAGIC 0x28cd3d45u
#define SUPER_LEN 76
#define PAD 512
#define BLOCK 4096u
#define FLAG_EXT_BLOCK_POINTERS 0x800u
#define MAX_DEPTH 64
#define MAX_PATH 4096
#define MAX_ENTRIES 1000000

struct inode {
    uint32_t mode, uid, size, gid, namelen, offset;
};

struct frame {
    uint64_t pos, end;
    size_t path_len;
};

struct cramfs {
    struct bytes b; /* the image, from its first byte (before any pad) */
    bool be;
    uint32_t size; /* the image's size, from the superblock */
    struct frame stack[MAX_DEPTH];
    int depth;
    uint64_t n_entries;
    char path[MAX_PATH + 1];
    size_t path_len;
    char link[MAX_PATH + 1];
    /* The current entry's data. */
    struct inode cur;
    bool have_cur;
    uint32_t blk;               /* the next block to decompress */
    uint8_t buf[BLOCK];         /* the last block */
    size_t buf_len, buf_given;
    char error[96];
};

static bool word(const struct cramfs *c, uint64_t off, uint32_t *v)
{
    return c->be ? bytes_u32be(c->b, off, v) : bytes_u32le(c->b, off, v);
}

static bool read_inode(const struct cramfs *c, uint64_t off, struct inode *in)
{
    uint32_t w0, w1, w2;

    if (!word(c, off, &w0) || !word(c, off + 4, &w1) ||
        !word(c, off + 8, &w2))
        return false;
    if (c->be) {
        in->mode = w0 >> 16;
        in->uid = w0 & 0xffff;
        in->size = w1 >> 8;
        in->gid = w1 & 0xff;
        in->namelen = w2 >> 26;
        in->offset = w2 & 0x3ffffff;
    } else {
        in->mode = w0 & 0xffff;
        in->uid = w0 >> 16;
        in->size = w1 & 0xffffff;
        in->gid = w1 >> 24;
        in->namelen = w2 & 0x3f;
        in->offset = w2 >> 6;
    }
    return true;
}

/*
 * Whether the 512 bytes at the start are a tar header (POSIX ustar:
 * "ustar" at 257, the octal sum of the header's bytes, its own checksum
 * field counted as spaces, at 148): a tar whose first member is a CramFS
 * image, not an image after a boot block.
 */
static bool tar_header(struct bytes b)
{
    uint32_t sum = 0, want = 0;
    size_t i;

    if (!bytes_has(b, 0, PAD) || memcmp(b.p + 257, "ustar", 5) != 0)
        return false;
    for (i = 0; i < PAD; i++)
        sum += i >= 148 && i < 156 ? (uint32_t)' ' : b.p[i];
    for (i = 148; i < 156 && b.p[i] == ' '; i++)
        ;
    for (; i < 156 && b.p[i] >= '0' && b.p[i] <= '7'; i++)
        want = want * 8 + (uint32_t)(b.p[i] - '0');
    return sum == want;
}

static enum unpack_result open_cramfs(const uint8_t *data, size_t len,
                                      void **out, char *msg, size_t msg_len)
{
    struct bytes b = bytes_make(data, len);
    uint64_t at = 0;
    uint32_t le = 0, be = 0, flags = 0;
    struct cramfs *c;
    struct inode root;

    (void)msg;
    (void)msg_len;
    /* The superblock at 0, or at 512 after a boot block. */
    for (int i = 0; i < 2; i++, at = PAD) {
        if (bytes_u32le(b, at, &le) && bytes_u32be(b, at, &be) &&
            (le == MAGIC || be == MAGIC) && bytes_has(b, at, SUPER_LEN) &&
            memcmp(data + at + 16, "Compressed ROMFS", 16) == 0)
            break;
        le = be = 0;
    }
    if ((le != MAGIC && be != MAGIC) || (at == PAD && tar_header(b)))
        return UNPACK_NOT_CONTAINER;
    c = mem_calloc(1, sizeof(*c));
    if (c == NULL)
        return UNPACK_NOMEM;
    c->b = b;
    c->be = le != MAGIC;
    if (!word(c, at + 4, &c->size) || !word(c, at + 8, &flags) ||
        !read_inode(c, at + 64, &root) || c->size < SUPER_LEN ||
        !S_ISDIR(root.mode)) {
        mem_free(c);
        return UNPACK_NOT_CONTAINER;
    }
    if (c->size < len)
        c->b.len = c->size; /* what follows is not the image's */
    if (flags & FLAG_EXT_BLOCK_POINTERS) {
        snprintf(msg, msg_len, "cramfs: extended block pointers are not read");
        mem_free(c);
        return UNPACK_FATAL;
    }
    if (root.offset != 0 && root.size > 0) {
        c->stack[0].pos = (uint64_t)root.offset * 4;
        c->stack[0].end = c->stack[0].pos + root.size;
        c->stack[0].path_len = 0;
        c->depth = 1;
    }
    *out = c;
    return UNPACK_OK;
}

static void close_cramfs(void *state)
{
    mem_free(state);
}

/* Decompresses block i of the current file into c->buf; false on an
   error (message set). */
static bool load_block(struct cramfs *c, uint32_t i)
{
    uint64_t table = (uint64_t)c->cur.offset * 4;
    uint32_t n_blocks = (c->cur.size + BLOCK - 1) / BLOCK;
    uint32_t start, end;
    size_t want = c->cur.size - (size_t)i * BLOCK < BLOCK
                      ? c->cur.size - (size_t)i * BLOCK
                      : BLOCK;
    uLongf out = BLOCK;
    struct bytes src;

    if (i == 0)
        start = (uint32_t)(table + 4ull * n_blocks);
    else if (!word(c, table + 4ull * (i - 1), &start))
        start = UINT32_MAX;
    if (table + 4ull * n_blocks > UINT32_MAX || !word(c, table + 4ull * i, &end) ||
        end < start || !bytes_slice(c->b, start, end - start, &src)) {
        snprintf(c->error, sizeof(c->error), "cramfs: a block is outside "
                                             "the image");
        return false;
    }
    if (end == start) { /* a hole */
        memset(c->buf, 0, want);
        c->buf_len = want;
        return true;
    }
    if (uncompress(c->buf, &out, src.p, src.len) != Z_OK || out != want) {
        snprintf(c->error, sizeof(c->error), "cramfs: a block is corrupt");
        return false;
    }
    c->buf_len = out;
    return true;
}

/* The target of the current symbolic link, into c->link. */
static void read_link(struct cramfs *c, struct unpack_entry *e)
{
    size_t n = 0;

    c->link[0] = '\0';
    e->link = c->link;
    for (uint32_t i = 0; (size_t)i * BLOCK < c->cur.size && n < MAX_PATH;
         i++) {
        size_t take;
        if (!load_block(c, i))
            return;
        take = c->buf_len < MAX_PATH - n ? c->buf_len : MAX_PATH - n;
        memcpy(c->link + n, c->buf, take);
        n += take;
    }
    c->link[n] = '\0';
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct cramfs *c = state;

    c->have_cur = false;
    while (c->depth > 0) {
        struct frame *f = &c->stack[c->depth - 1];
        struct inode in;
        struct bytes name;
        size_t name_len, at;
        if (f->pos >= f->end) {
            c->depth--;
            continue;
        }
        if (c->n_entries++ >= MAX_ENTRIES) {
            snprintf(c->error, sizeof(c->error), "cramfs: more than %d "
                                                 "entries",
                     MAX_ENTRIES);
            return UNPACK_FATAL;
        }
        if (!read_inode(c, f->pos, &in) ||
            !bytes_slice(c->b, f->pos + 12, (uint64_t)in.namelen * 4, &name)) {
            snprintf(c->error, sizeof(c->error), "cramfs: a directory runs "
                                                 "past the image");
            return UNPACK_FATAL;
        }
        f->pos += 12 + (uint64_t)in.namelen * 4;
        name_len = strnlen((const char *)name.p, name.len);
        at = f->path_len;
        if (at + 1 + name_len > MAX_PATH)
            continue; /* a path too long to be real */
        if (at > 0)
            c->path[at++] = '/';
        memcpy(c->path + at, name.p, name_len);
        c->path_len = at + name_len;
        c->path[c->path_len] = '\0';
        memset(e, 0, sizeof(*e));
        e->path = c->path;
        e->kind = unpack_kind_of_mode(in.mode);
        e->mode = in.mode & 07777;
        e->uid = in.uid;
        e->gid = in.gid;
        e->size = e->kind == UNPACK_REGULAR ? (int64_t)in.size : 0;
        c->cur = in;
        c->have_cur = e->kind == UNPACK_REGULAR;
        c->blk = 0;
        c->buf_len = c->buf_given = 0;
        if (e->kind == UNPACK_SYMLINK)
            read_link(c, e);
        if (e->kind == UNPACK_DIR && in.size > 0 && in.offset != 0 &&
            c->depth < MAX_DEPTH) {
            struct frame *d = &c->stack[c->depth++];
            d->pos = (uint64_t)in.offset * 4;
            d->end = d->pos + in.size;
            d->path_len = c->path_len;
        }
        return UNPACK_OK;
    }
    return UNPACK_END;
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct cramfs *c = state;

    while (c->have_cur) {
        if (c->buf_given == c->buf_len) {
            if ((size_t)c->blk * BLOCK >= c->cur.size) {
                c->have_cur = false;
                return;
            }
            if (!load_block(c, c->blk)) {
                c->have_cur = false;
                unpack_sink_fail(sink);
                return;
            }
            c->blk++;
            c->buf_given = 0;
        }
        if (!unpack_sink_give(sink, c->buf, c->buf_len, &c->buf_given))
            return;
    }
}

static const char *error(const void *state)
{
    const struct cramfs *c = state;

    return c->error[0] ? c->error : "corrupt cramfs image";
}

static uint64_t extent(const void *state)
{
    const struct cramfs *c = state;

    return c->size;
}

/* The magic in both byte orders, with the signature after it. */
static const struct unpack_magic magics[] = {
    {"\x45\x3d\xcd\x28", 4, 0},
    {"\x28\xcd\x3d\x45", 4, 0},
};

const struct unpack_reader unpack_cramfs = {
    .name = "cramfs",
    .magics = magics,
    .n_magics = 2,
    .open = open_cramfs,
    .close = close_cramfs,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
};
