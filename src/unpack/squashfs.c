/* squashfs.c - see squashfs.h. */
#include "unpack/squashfs.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sqfs/block.h>
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/error.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/meta_reader.h>
#include <sqfs/super.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "unpack/fstree.h"

#define MSG_LEN 512
#define SUPER_LEN 96
/* libsquashfs allocates what an inode declares before reading it: these
   caps come first. 2^24 blocks is 64 TiB of 4 KiB blocks, more than any
   file of a firmware image; Linux's links are shorter than 4 KiB. */
#define MAX_BLOCKS (1u << 24)
#define MAX_LINK 65536u
#define MAX_FRAGMENTS (1u << 22)
#define NO_FRAGMENT 0xFFFFFFFFu

/* The image in memory as libsquashfs's file: read-only, bounds-checked. */
struct memfile {
    sqfs_file_t base;
    struct bytes b;
};

struct reader {
    struct memfile file;
    sqfs_super_t super;
    sqfs_compressor_t *cmp;
    sqfs_id_table_t *ids; /* NULL when unreadable: owners unknown (-1) */
    sqfs_meta_reader_t *inodes, *dirs;
    sqfs_data_reader_t *data;
    struct fstree tree;
    sqfs_inode_generic_t *inode; /* the current entry's, if read */
    /* The current file's data, decoded a block at a time. */
    uint8_t *block, *packed; /* a block decoded, and as stored */
    size_t block_len, block_given;
    uint64_t pos;  /* bytes of the file decoded */
    uint64_t disk; /* where its next block is stored */
    size_t index;  /* of its next block */
    char warning[MSG_LEN];       /* given as the next entry's failure */
    char msg[MSG_LEN];
};

/* The fixed part of an inode, read by this file before libsquashfs reads
   (and allocates) the rest. */
struct head {
    sqfs_inode_t base;
    sqfs_inode_dir_t dir;         /* basic directories */
    sqfs_inode_dir_ext_t dir_ext; /* extended ones */
    uint16_t type;
    uint32_t nlink;
    uint64_t file_size, n_blocks; /* files */
    uint32_t link_len;            /* symbolic links */
};

static int mem_read_at(sqfs_file_t *f, sqfs_u64 off, void *buf, size_t n)
{
    const struct memfile *m = (const struct memfile *)f;

    return bytes_copy(m->b, off, buf, n) ? 0 : SQFS_ERROR_OUT_OF_BOUNDS;
}

static int mem_write_at(sqfs_file_t *f, sqfs_u64 off, const void *buf,
                        size_t n)
{
    (void)f, (void)off, (void)buf, (void)n;
    return SQFS_ERROR_IO;
}

static sqfs_u64 mem_get_size(const sqfs_file_t *f)
{
    return ((const struct memfile *)f)->b.len;
}

static int mem_truncate(sqfs_file_t *f, sqfs_u64 size)
{
    (void)f, (void)size;
    return SQFS_ERROR_IO;
}

static void mem_destroy(sqfs_object_t *o)
{
    (void)o; /* part of struct reader */
}

static const char *sqfs_error_str(int err)
{
    switch (err) {
    case SQFS_ERROR_ALLOC: return "out of memory";
    case SQFS_ERROR_IO: return "read error";
    case SQFS_ERROR_COMPRESSOR: return "corrupt compressed block";
    case SQFS_ERROR_CORRUPTED: return "corrupt";
    case SQFS_ERROR_UNSUPPORTED: return "unsupported";
    case SQFS_ERROR_OVERFLOW: return "size overflow";
    case SQFS_ERROR_OUT_OF_BOUNDS: return "points outside the image";
    case SFQS_ERROR_SUPER_MAGIC: return "bad magic";
    case SFQS_ERROR_SUPER_VERSION: return "unsupported version";
    case SQFS_ERROR_SUPER_BLOCK_SIZE: return "bad block size";
    case SQFS_ERROR_NOT_DIR: return "not a directory";
    case SQFS_ERROR_NO_ENTRY: return "no such entry";
    case SQFS_ERROR_LINK_LOOP: return "link loop";
    case SQFS_ERROR_NOT_FILE: return "not a file";
    default: return "error";
    }
}

static void say(char *to, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(char *to, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(to, MSG_LEN, fmt, ap);
    va_end(ap);
}

/* The entry failed: msg names it. */
static enum unpack_result failed(struct reader *s, const char *what, int err)
{
    say(s->msg, "%s%s%s: /%s", what, err ? ": " : "",
        err ? sqfs_error_str(err) : "", fstree_path(&s->tree));
    return UNPACK_FAILED;
}

static uint32_t u32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint16_t u16_at(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t u64_at(const uint8_t *p)
{
    return (uint64_t)u32_at(p) | (uint64_t)u32_at(p + 4) << 32;
}

/* The size of the fixed part after the 16-byte base, by inode type. */
static size_t fixed_len(uint16_t type)
{
    switch (type) {
    case SQFS_INODE_DIR: return 16;
    case SQFS_INODE_FILE: return 16;
    case SQFS_INODE_SLINK:
    case SQFS_INODE_EXT_SLINK: return 8;
    case SQFS_INODE_BDEV:
    case SQFS_INODE_CDEV: return 8;
    case SQFS_INODE_FIFO:
    case SQFS_INODE_SOCKET: return 4;
    case SQFS_INODE_EXT_DIR: return 24;
    case SQFS_INODE_EXT_FILE: return 40;
    case SQFS_INODE_EXT_BDEV:
    case SQFS_INODE_EXT_CDEV: return 12;
    case SQFS_INODE_EXT_FIFO:
    case SQFS_INODE_EXT_SOCKET: return 8;
    default: return 0;
    }
}

static uint64_t n_blocks(const struct reader *s, uint64_t size,
                         uint32_t frag_idx, uint32_t frag_off)
{
    uint64_t n = size / s->super.block_size;

    if (size % s->super.block_size != 0 &&
        (frag_idx == NO_FRAGMENT || frag_off == NO_FRAGMENT))
        n++;
    return n;
}

/* The file, link and directory fields of the fixed part p. */
static void parse_fixed(const struct reader *s, struct head *h,
                        const uint8_t *p)
{
    switch (h->type) {
    case SQFS_INODE_DIR:
        h->dir.start_block = u32_at(p);
        h->dir.nlink = h->nlink = u32_at(p + 4);
        h->dir.size = u16_at(p + 8);
        h->dir.offset = u16_at(p + 10);
        break;
    case SQFS_INODE_EXT_DIR:
        h->dir_ext.nlink = h->nlink = u32_at(p);
        h->dir_ext.size = u32_at(p + 4);
        h->dir_ext.start_block = u32_at(p + 8);
        h->dir_ext.offset = u16_at(p + 18);
        break;
    case SQFS_INODE_FILE:
        h->nlink = 1;
        h->file_size = u32_at(p + 12);
        h->n_blocks = n_blocks(s, h->file_size, u32_at(p + 4), u32_at(p + 8));
        break;
    case SQFS_INODE_EXT_FILE:
        h->file_size = u64_at(p + 8);
        h->nlink = u32_at(p + 24);
        h->n_blocks = n_blocks(s, h->file_size, u32_at(p + 28),
                               u32_at(p + 32));
        break;
    case SQFS_INODE_SLINK:
    case SQFS_INODE_EXT_SLINK:
        h->nlink = u32_at(p);
        h->link_len = u32_at(p + 4);
        break;
    default: h->nlink = u32_at(p); /* devices, FIFOs, sockets */
    }
}

/* Reads the fixed part of the inode at ref (a block and an offset). */
static int read_head(struct reader *s, uint64_t ref, struct head *h)
{
    uint8_t p[16 + 40];
    size_t more;
    int err;

    memset(h, 0, sizeof(*h));
    err = sqfs_meta_reader_seek(s->inodes,
                                s->super.inode_table_start + (ref >> 16),
                                ref & 0xFFFF);
    if (err == 0)
        err = sqfs_meta_reader_read(s->inodes, p, 16);
    if (err != 0)
        return err;
    h->type = u16_at(p);
    h->base.type = h->type;
    h->base.mode = u16_at(p + 2);
    h->base.uid_idx = u16_at(p + 4);
    h->base.gid_idx = u16_at(p + 6);
    h->base.inode_number = u32_at(p + 12);
    more = fixed_len(h->type);
    if (more == 0)
        return SQFS_ERROR_UNSUPPORTED;
    err = sqfs_meta_reader_read(s->inodes, p + 16, more);
    if (err != 0)
        return err;
    parse_fixed(s, h, p + 16);
    return 0;
}

static int64_t owner(const struct reader *s, uint16_t idx)
{
    sqfs_u32 id;

    if (s->ids == NULL || sqfs_id_table_index_to_id(s->ids, idx, &id) != 0)
        return -1;
    return id;
}

static enum unpack_kind kind_of(uint16_t type)
{
    switch (type) {
    case SQFS_INODE_DIR:
    case SQFS_INODE_EXT_DIR: return UNPACK_DIR;
    case SQFS_INODE_FILE:
    case SQFS_INODE_EXT_FILE: return UNPACK_REGULAR;
    case SQFS_INODE_SLINK:
    case SQFS_INODE_EXT_SLINK: return UNPACK_SYMLINK;
    case SQFS_INODE_BDEV:
    case SQFS_INODE_EXT_BDEV: return UNPACK_BLOCKDEV;
    case SQFS_INODE_CDEV:
    case SQFS_INODE_EXT_CDEV: return UNPACK_CHARDEV;
    case SQFS_INODE_FIFO:
    case SQFS_INODE_EXT_FIFO: return UNPACK_FIFO;
    default: return UNPACK_SOCKET;
    }
}

/* Starts reading the directory h at the current path. */
static enum fstree_status enter(struct reader *s, uint64_t id,
                                const struct head *h)
{
    sqfs_readdir_state_t *cursor = mem_alloc(sizeof(*cursor));
    sqfs_inode_generic_t dir;
    enum fstree_status st;

    if (cursor == NULL)
        return FSTREE_NOMEM;
    memset(&dir, 0, sizeof(dir));
    dir.base = h->base;
    if (h->type == SQFS_INODE_DIR)
        dir.data.dir = h->dir;
    else
        dir.data.dir_ext = h->dir_ext;
    sqfs_readdir_state_init(cursor, &s->super, &dir);
    st = fstree_push(&s->tree, id, cursor);
    if (st != FSTREE_OK)
        mem_free(cursor);
    return st;
}

/* Reads the whole inode (libsquashfs's), once its sizes are known sane. */
static enum unpack_result load(struct reader *s, uint64_t ref,
                               const struct head *h)
{
    int err;

    if (h->n_blocks > MAX_BLOCKS)
        return failed(s, "file of more than 2^24 blocks: not read", 0);
    if (h->link_len > MAX_LINK)
        return failed(s, "symbolic link longer than 64 KiB: not read", 0);
    err = sqfs_meta_reader_read_inode(s->inodes, &s->super, ref >> 16,
                                      ref & 0xFFFF, &s->inode);
    if (err == SQFS_ERROR_ALLOC)
        return UNPACK_NOMEM;
    if (err != 0) {
        s->inode = NULL;
        return failed(s, "inode", err);
    }
    return UNPACK_OK;
}

/* The entry whose inode is at ref, named by the current path. */
static enum unpack_result entry(struct reader *s, uint64_t ref,
                                struct unpack_entry *e)
{
    struct head h;
    int err = read_head(s, ref, &h);
    enum unpack_result rc;
    const char *first;

    if (err != 0)
        return failed(s, "inode", err);
    memset(e, 0, sizeof(*e));
    e->path = fstree_path(&s->tree);
    e->kind = kind_of(h.type);
    e->mode = h.base.mode & 07777;
    e->uid = owner(s, h.base.uid_idx);
    e->gid = owner(s, h.base.gid_idx);
    if (e->kind == UNPACK_DIR) {
        enum fstree_status st = enter(s, ref, &h);
        if (st == FSTREE_NOMEM)
            return UNPACK_NOMEM;
        if (st != FSTREE_OK) /* the directory is given, not its content */
            fstree_warn(s->warning, MSG_LEN, "%s: /%s", fstree_status_str(st),
                        e->path);
        return UNPACK_OK;
    }
    if (h.nlink > 1 && (first = fstree_link(&s->tree, ref)) != NULL) {
        e->kind = UNPACK_HARDLINK;
        e->link = first;
        return UNPACK_OK;
    }
    if (e->kind != UNPACK_REGULAR && e->kind != UNPACK_SYMLINK)
        return UNPACK_OK;
    rc = load(s, ref, &h);
    if (rc != UNPACK_OK)
        return rc;
    if (e->kind == UNPACK_REGULAR) {
        e->size = (int64_t)h.file_size;
        sqfs_inode_get_file_block_start(s->inode, &s->disk);
    } else {
        e->link = (const char *)s->inode->extra; /* NUL-terminated */
    }
    return UNPACK_OK;
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct reader *s = state;

    sqfs_free(s->inode);
    s->inode = NULL;
    s->block_len = s->block_given = 0;
    s->pos = s->disk = 0;
    s->index = 0;
    if (s->warning[0] != '\0') {
        memcpy(s->msg, s->warning, MSG_LEN);
        s->warning[0] = '\0';
        return UNPACK_FAILED;
    }
    for (;;) {
        struct fstree_dir *d = fstree_top(&s->tree);
        sqfs_dir_entry_t *ent;
        sqfs_u64 ref;
        enum fstree_status st;
        int err;

        if (d == NULL)
            return UNPACK_END;
        err = sqfs_meta_reader_readdir(s->dirs, d->cursor, &ent, NULL, &ref);
        if (err != 0) {
            if (err < 0)
                say(s->msg, "directory listing: %s: /%s",
                    sqfs_error_str(err), d->path);
            mem_free(fstree_pop(&s->tree));
            if (err < 0)
                return err == SQFS_ERROR_ALLOC ? UNPACK_NOMEM : UNPACK_FAILED;
            continue;
        }
        st = fstree_name(&s->tree, (const char *)ent->name,
                         (size_t)ent->size + 1);
        sqfs_free(ent);
        if (st == FSTREE_NOMEM)
            return UNPACK_NOMEM;
        if (st != FSTREE_OK) {
            say(s->msg, "%s: /%s", fstree_status_str(st), d->path);
            return UNPACK_FAILED;
        }
        return entry(s, ref, e);
    }
}

/* One block of the file, from its size word, into s->block. */
static int read_block(struct reader *s, uint32_t word, size_t want)
{
    uint32_t stored = SQFS_ON_DISK_BLOCK_SIZE(word);
    sqfs_s32 got;
    int err = 0;

    if (stored == 0) { /* sparse */
        memset(s->block, 0, want);
        return 0;
    }
    if (stored > s->super.block_size)
        return SQFS_ERROR_CORRUPTED;
    if (!SQFS_IS_BLOCK_COMPRESSED(word)) {
        err = stored < want ? SQFS_ERROR_CORRUPTED
                            : mem_read_at(&s->file.base, s->disk, s->block,
                                          want);
    } else if ((err = mem_read_at(&s->file.base, s->disk, s->packed,
                                  stored)) == 0) {
        got = s->cmp->do_block(s->cmp, s->packed, stored, s->block,
                               s->super.block_size);
        if (got < 0)
            err = got;
        else if ((size_t)got < want)
            err = SQFS_ERROR_CORRUPTED;
    }
    s->disk += stored;
    return err;
}

/* The file's tail, from its fragment block, into s->block. */
static int read_tail(struct reader *s, size_t want)
{
    size_t n = 0;
    sqfs_u8 *frag = NULL;
    sqfs_u32 index = 0, offset = 0;
    int err;

    /* libsquashfs 1.2 copies the tail from offset without checking that
       it lies in the fragment block (its 32-bit sum wraps): an offset
       near 2^32 read far outside the block (fuzz_squashfs). */
    if (sqfs_inode_get_frag_location(s->inode, &index, &offset) != 0 ||
        (uint64_t)offset + want > s->super.block_size)
        return SQFS_ERROR_CORRUPTED;
    err = sqfs_data_reader_get_fragment(s->data, s->inode, &n, &frag);

    if (err == 0 && n < want)
        err = SQFS_ERROR_CORRUPTED;
    if (err == 0)
        memcpy(s->block, frag, want);
    sqfs_free(frag);
    return err;
}

/*
 * Decodes the file's next block into s->block: false at its end, or on
 * an error (the sink is told). This file walks the block list itself:
 * libsquashfs's sqfs_data_reader_read walks it from the start on every
 * call, which is quadratic in a large (or sparse) file.
 */
static bool next_block(struct reader *s, struct unpack_sink *sink)
{
    sqfs_u64 size = 0;
    size_t want;
    int err;

    sqfs_inode_get_file_size(s->inode, &size);
    if (s->pos >= size)
        return false;
    want = size - s->pos < s->super.block_size ? (size_t)(size - s->pos)
                                               : s->super.block_size;
    if (s->index < sqfs_inode_get_file_block_count(s->inode))
        err = read_block(s, s->inode->extra[s->index++], want);
    else
        err = read_tail(s, want);
    if (err != 0) {
        say(s->msg, "data at offset %" PRIu64 ": %s", (uint64_t)s->pos,
            sqfs_error_str(err));
        if (err == SQFS_ERROR_ALLOC)
            sink->stop = UNPACK_STOP_NOMEM;
        unpack_sink_fail(sink);
        s->pos = size; /* the rest is not read */
        return false;
    }
    s->block_len = want;
    s->block_given = 0;
    s->pos += want;
    return true;
}

/* The current file's data from where the last call stopped. */
static void read_data(void *state, struct unpack_sink *sink)
{
    struct reader *s = state;

    if (s->inode == NULL || kind_of(s->inode->base.type) != UNPACK_REGULAR)
        return;
    for (;;) {
        if (s->block_given == s->block_len && !next_block(s, sink))
            return;
        if (!unpack_sink_give(sink, s->block, s->block_len, &s->block_given))
            return;
    }
}

static void close_reader(void *state)
{
    struct reader *s = state;

    if (s == NULL)
        return;
    fstree_close(&s->tree, mem_free);
    sqfs_free(s->inode);
    mem_free(s->block);
    mem_free(s->packed);
    sqfs_destroy(s->data);
    sqfs_destroy(s->dirs);
    sqfs_destroy(s->inodes);
    sqfs_destroy(s->ids);
    sqfs_destroy(s->cmp);
    mem_free(s);
}

/* The compressor named in the superblock, with its options if any. */
static int open_compressor(struct reader *s, char *msg)
{
    sqfs_compressor_config_t cfg;
    const char *name = sqfs_compressor_name_from_id(s->super.compression_id);
    int err = sqfs_compressor_config_init(&cfg, s->super.compression_id,
                                          s->super.block_size,
                                          SQFS_COMP_FLAG_UNCOMPRESS);

    if (err == 0)
        err = sqfs_compressor_create(&cfg, &s->cmp);
    if (err != 0) {
        s->cmp = NULL;
        say(msg, "SquashFS compressor %s (id %u): not supported here",
            name ? name : "unknown", (unsigned)s->super.compression_id);
        return err;
    }
    if (s->super.flags & SQFS_FLAG_COMPRESSOR_OPTIONS) {
        err = s->cmp->read_options(s->cmp, &s->file.base);
        if (err != 0)
            say(msg, "SquashFS compressor options: %s", sqfs_error_str(err));
    }
    return err;
}

/* The ID table and the fragment table: an image without them is still
   read (owners unknown, files with fragments failing), with a warning. */
static int open_tables(struct reader *s)
{
    sqfs_u32 n_frag = s->super.fragment_entry_count;
    int err;

    s->ids = sqfs_id_table_create(0);
    s->data = sqfs_data_reader_create(&s->file.base, s->super.block_size,
                                      s->cmp, 0);
    if (s->ids == NULL || s->data == NULL)
        return SQFS_ERROR_ALLOC;
    err = sqfs_id_table_read(s->ids, &s->file.base, &s->super, s->cmp);
    if (err != 0) {
        fstree_warn(s->warning, MSG_LEN, "ID table: %s: owners unknown",
                    sqfs_error_str(err));
        sqfs_destroy(s->ids);
        s->ids = NULL;
    }
    if (n_frag > MAX_FRAGMENTS || n_frag > s->file.b.len / 16) {
        fstree_warn(s->warning, MSG_LEN,
                    "fragment table of %" PRIu32 " entries: not read",
                    (uint32_t)n_frag);
        return 0;
    }
    err = sqfs_data_reader_load_fragment_table(s->data, &s->super);
    if (err != 0)
        fstree_warn(s->warning, MSG_LEN, "fragment table: %s",
                    sqfs_error_str(err));
    return err == SQFS_ERROR_ALLOC ? err : 0;
}

/* The metadata readers, bounded by the tables that follow theirs. */
static int open_meta(struct reader *s)
{
    const sqfs_super_t *sb = &s->super;
    sqfs_u64 dir_end = sb->id_table_start;

    if (sb->fragment_table_start < dir_end)
        dir_end = sb->fragment_table_start;
    if (sb->export_table_start < dir_end)
        dir_end = sb->export_table_start;
    s->inodes = sqfs_meta_reader_create(&s->file.base, s->cmp,
                                        sb->inode_table_start,
                                        sb->directory_table_start);
    s->dirs = sqfs_meta_reader_create(&s->file.base, s->cmp,
                                      sb->directory_table_start, dir_end);
    return s->inodes && s->dirs ? 0 : SQFS_ERROR_ALLOC;
}

static enum unpack_result start(struct reader *s, char *msg)
{
    struct head root;
    enum fstree_status st;
    int err = sqfs_super_read(&s->super, &s->file.base);

    if (err != 0) {
        uint16_t major = 0, minor = 0;
        bytes_u16le(s->file.b, 28, &major);
        bytes_u16le(s->file.b, 30, &minor);
        say(msg, "SquashFS superblock (version %u.%u): %s", (unsigned)major,
            (unsigned)minor, sqfs_error_str(err));
        return UNPACK_FATAL;
    }
    if (open_compressor(s, msg) != 0)
        return UNPACK_FATAL;
    s->block = mem_alloc(s->super.block_size);
    s->packed = mem_alloc(s->super.block_size);
    if (s->block == NULL || s->packed == NULL)
        return UNPACK_NOMEM;
    err = open_tables(s);
    if (err == 0)
        err = open_meta(s);
    if (err != 0)
        return UNPACK_NOMEM;
    err = read_head(s, s->super.root_inode_ref, &root);
    if (err == 0 && kind_of(root.type) != UNPACK_DIR)
        err = SQFS_ERROR_NOT_DIR;
    if (err != 0) {
        say(msg, "SquashFS root directory: %s", sqfs_error_str(err));
        return UNPACK_FATAL;
    }
    st = enter(s, s->super.root_inode_ref, &root);
    return st == FSTREE_OK ? UNPACK_OK : UNPACK_NOMEM;
}

static enum unpack_result open_image(const uint8_t *data, size_t len,
                                     void **out, char *msg, size_t msg_len)
{
    struct reader *s;
    char text[MSG_LEN] = "";
    enum unpack_result rc;

    /* "hsqs": little-endian. Big-endian images ("sqsh") are not read. */
    if (len < 4 || memcmp(data, "hsqs", 4) != 0)
        return UNPACK_NOT_CONTAINER;
    s = mem_calloc(1, sizeof(*s));
    if (s == NULL)
        return UNPACK_NOMEM;
    s->file.base.base.destroy = mem_destroy;
    s->file.base.read_at = mem_read_at;
    s->file.base.write_at = mem_write_at;
    s->file.base.get_size = mem_get_size;
    s->file.base.truncate = mem_truncate;
    s->file.b = bytes_make(data, len);
    fstree_init(&s->tree);
    if (len < SUPER_LEN) {
        say(text, "SquashFS image of %zu bytes: shorter than its superblock",
            len);
        rc = UNPACK_FATAL;
    } else {
        rc = start(s, text);
    }
    if (rc != UNPACK_OK) {
        if (msg_len > 0)
            snprintf(msg, msg_len, "%s", text);
        close_reader(s);
        return rc;
    }
    *out = s;
    return UNPACK_OK;
}

static const char *error(const void *state)
{
    const struct reader *s = state;

    return s->msg[0] ? s->msg : "corrupt SquashFS image";
}

/* The superblock's count of bytes the image uses (mksquashfs pads the
   file to 4 KiB after them). */
static uint64_t extent(const void *state)
{
    const struct reader *s = state;

    return s->super.bytes_used < s->file.b.len ? s->super.bytes_used
                                                : s->file.b.len;
}

static const struct unpack_magic magics[] = {{"hsqs", 4, 0}};

const struct unpack_reader unpack_squashfs = {
    .name = "squashfs",
    .magics = magics,
    .n_magics = 1,
    .open = open_image,
    .close = close_reader,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
};
