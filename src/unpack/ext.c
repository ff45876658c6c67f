/* ext.c - see ext.h. */
#include "unpack/ext.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <et/com_err.h>
#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "unpack/fstree.h"

#define MSG_LEN 512
#define SUPER_AT 1024
#define SUPER_LEN 1024
#define MAGIC_AT (SUPER_AT + 56)
#define MAX_LINK 65536u
/* A directory's listing: names and records kept, entries visited (empty
   ones too: blocks can be mapped many times over). */
#define MAX_LISTING (16u << 20)
#define MAX_VISITS (1u << 22)
#define CHUNK 65536u

/* A directory's listing, read whole when the walk enters it: records of
   a 4-byte inode number, a 2-byte name length and the name. */
struct listing {
    uint8_t *buf;
    size_t len, cap, pos;
    uint32_t visits;
    bool cut;
};

struct reader {
    struct bytes b;
    ext2_filsys fs;
    struct fstree tree;
    struct ext2_inode inode; /* the current entry's */
    ext2_ino_t ino;
    bool is_file;
    ext2_file_t file; /* the current file, opened at its first read */
    uint64_t pos, size;
    char *link;
    uint64_t extent;
    uint64_t declared; /* blocks_count * block_size, past the data if cut */
    bool told;         /* the cut was reported */
    char warning[MSG_LEN]; /* given as the next entry's failure */
    char fatal[MSG_LEN];   /* why the image cannot be read, if it cannot */
    char msg[MSG_LEN];
};

/* The superblock fields checked before libext2fs sees them. */
struct super {
    uint32_t inodes, first_data, log_bs, per_group, inodes_per_group;
    uint32_t rev, incompat;
    uint16_t inode_size, desc_size;
    uint64_t blocks, block_size, groups;
};

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void load_tables(void)
{
    initialize_ext2_error_table();
}

static const char *err_str(errcode_t err)
{
    pthread_once(&tables_once, load_tables);
    return error_message(err);
}

/* ---- the image in memory as libext2fs's device ------------------------ */

/* The channel's data: the image, and nothing else. */
struct memchan {
    struct bytes b;
};

static errcode_t mem_open(const char *name, int flags, io_channel *out);

static errcode_t mem_close(io_channel ch)
{
    if (--ch->refcount > 0)
        return 0;
    mem_free(ch->private_data);
    mem_free(ch->name);
    mem_free(ch);
    return 0;
}

static errcode_t mem_set_blksize(io_channel ch, int blksize)
{
    if (blksize <= 0)
        return EXT2_ET_INVALID_ARGUMENT;
    ch->block_size = blksize;
    return 0;
}

/* count blocks at block, or -count bytes: libext2fs's convention. */
static errcode_t mem_read64(io_channel ch, unsigned long long block,
                            int count, void *data)
{
    const struct memchan *m = ch->private_data;
    uint64_t len = count < 0 ? (uint64_t)-(int64_t)count
                             : (uint64_t)count * (uint64_t)ch->block_size;
    uint64_t off;

    if (__builtin_mul_overflow(block, (uint64_t)ch->block_size, &off) ||
        len > SIZE_MAX || !bytes_copy(m->b, off, data, (size_t)len))
        return EXT2_ET_SHORT_READ;
    return 0;
}

static errcode_t mem_read(io_channel ch, unsigned long block, int count,
                          void *data)
{
    return mem_read64(ch, block, count, data);
}

static errcode_t mem_write(io_channel ch, unsigned long block, int count,
                           const void *data)
{
    (void)ch, (void)block, (void)count, (void)data;
    return EXT2_ET_RO_FILSYS;
}

static errcode_t mem_write64(io_channel ch, unsigned long long block,
                             int count, const void *data)
{
    (void)ch, (void)block, (void)count, (void)data;
    return EXT2_ET_RO_FILSYS;
}

static errcode_t mem_write_byte(io_channel ch, unsigned long offset,
                                int count, const void *data)
{
    (void)ch, (void)offset, (void)count, (void)data;
    return EXT2_ET_RO_FILSYS;
}

static errcode_t mem_flush(io_channel ch)
{
    (void)ch;
    return 0;
}

static errcode_t mem_set_option(io_channel ch, const char *option,
                                const char *arg)
{
    (void)ch, (void)option, (void)arg;
    return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager mem_manager = {
    .magic = EXT2_ET_MAGIC_IO_MANAGER,
    .name = "candor memory",
    .open = mem_open,
    .close = mem_close,
    .set_blksize = mem_set_blksize,
    .read_blk = mem_read,
    .write_blk = mem_write,
    .flush = mem_flush,
    .write_byte = mem_write_byte,
    .set_option = mem_set_option,
    .read_blk64 = mem_read64,
    .write_blk64 = mem_write64,
};

/* name is "candor-mem:ADDRESS": the struct bytes to read, in hex (the
   manager's open takes nothing but a name). */
static errcode_t mem_open(const char *name, int flags, io_channel *out)
{
    const char *prefix = "candor-mem:";
    struct bytes *b;
    io_channel ch;
    struct memchan *m;

    if (strncmp(name, prefix, strlen(prefix)) != 0)
        return EXT2_ET_BAD_DEVICE_NAME;
    if (flags & IO_FLAG_RW)
        return EXT2_ET_RO_FILSYS;
    b = (struct bytes *)(uintptr_t)strtoull(name + strlen(prefix), NULL, 16);
    ch = mem_calloc(1, sizeof(*ch));
    m = mem_calloc(1, sizeof(*m));
    if (ch == NULL || m == NULL || (ch->name = mem_strdup(name)) == NULL) {
        mem_free(ch);
        mem_free(m);
        return EXT2_ET_NO_MEMORY;
    }
    m->b = *b;
    ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
    ch->manager = &mem_manager;
    ch->block_size = 1024;
    ch->refcount = 1;
    ch->private_data = m;
    *out = ch;
    return 0;
}

/* ---- the superblock, checked first ------------------------------------- */

static bool read_super(struct bytes b, struct super *sb)
{
    uint32_t lo, hi = 0;
    uint16_t magic;

    memset(sb, 0, sizeof(*sb));
    if (!bytes_u16le(b, MAGIC_AT, &magic) || magic != EXT2_SUPER_MAGIC ||
        !bytes_has(b, SUPER_AT, SUPER_LEN))
        return false;
    bytes_u32le(b, SUPER_AT + 0, &sb->inodes);
    bytes_u32le(b, SUPER_AT + 4, &lo);
    bytes_u32le(b, SUPER_AT + 20, &sb->first_data);
    bytes_u32le(b, SUPER_AT + 24, &sb->log_bs);
    bytes_u32le(b, SUPER_AT + 32, &sb->per_group);
    bytes_u32le(b, SUPER_AT + 40, &sb->inodes_per_group);
    bytes_u32le(b, SUPER_AT + 76, &sb->rev);
    bytes_u16le(b, SUPER_AT + 88, &sb->inode_size);
    bytes_u32le(b, SUPER_AT + 96, &sb->incompat);
    bytes_u16le(b, SUPER_AT + 254, &sb->desc_size);
    if (sb->incompat & EXT4_FEATURE_INCOMPAT_64BIT)
        bytes_u32le(b, SUPER_AT + 336, &hi);
    else
        sb->desc_size = EXT2_MIN_DESC_SIZE;
    sb->blocks = (uint64_t)hi << 32 | lo;
    if (sb->rev == EXT2_GOOD_OLD_REV)
        sb->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
    return true;
}

/* Whether the superblock has the shape of one: a magic number by chance
   has not, and is no file system. */
static bool super_shape(struct super *sb)
{
    uint64_t bits;

    if (sb->rev > EXT2_DYNAMIC_REV || sb->log_bs > 6)
        return false;
    sb->block_size = 1024u << sb->log_bs;
    bits = 8 * sb->block_size;
    return sb->per_group >= 8 && sb->per_group <= bits &&
           sb->per_group % 8 == 0 && sb->inodes_per_group > 0 &&
           sb->inodes_per_group <= bits &&
           sb->inode_size >= EXT2_GOOD_OLD_INODE_SIZE &&
           sb->inode_size <= sb->block_size &&
           (sb->inode_size & (sb->inode_size - 1)) == 0 &&
           sb->desc_size >= EXT2_MIN_DESC_SIZE &&
           sb->desc_size <= EXT2_MAX_DESC_SIZE &&
           (sb->desc_size & (sb->desc_size - 1)) == 0 &&
           sb->first_data == (sb->block_size == 1024) && sb->blocks > 1;
}

/* Whether libext2fs may open it: what it allocates from (the group
   descriptors) must fit in the image, the counts must agree. */
static const char *check_super(struct super *sb, size_t len)
{
    uint64_t span = sb->blocks - sb->first_data, n;

    sb->groups = span / sb->per_group + (span % sb->per_group != 0);
    if (__builtin_mul_overflow(sb->groups, sb->desc_size, &n) || n > len)
        return "more group descriptors than the image holds";
    if (__builtin_mul_overflow(sb->groups, sb->inodes_per_group, &n) ||
        n != sb->inodes)
        return "inode count does not match the groups";
    if ((uint64_t)sb->inodes * sb->inode_size / sb->block_size > sb->blocks)
        return "more inodes than the blocks hold";
    return NULL;
}

/* ---- directories ------------------------------------------------------- */

static void free_listing(void *p)
{
    struct listing *l = p;

    if (l != NULL)
        mem_free(l->buf);
    mem_free(l);
}

static int list_one(ext2_ino_t dir, int entry, struct ext2_dir_entry *d,
                    int offset, int blocksize, char *buf, void *priv)
{
    struct listing *l = priv;
    size_t n = (size_t)ext2fs_dirent_name_len(d);
    size_t need = 6 + n;

    (void)dir, (void)offset, (void)blocksize, (void)buf;
    if (++l->visits > MAX_VISITS) {
        l->cut = true;
        return DIRENT_ABORT;
    }
    /* libext2fs checked the record against its block; "." and ".." are
       the directory and its parent, wherever they are. */
    if (d->inode == 0 || entry == DIRENT_DOT_FILE ||
        entry == DIRENT_DOT_DOT_FILE ||
        (n == 1 && d->name[0] == '.') ||
        (n == 2 && d->name[0] == '.' && d->name[1] == '.'))
        return 0;
    if (l->len + need > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        uint8_t *p;
        while (cap < l->len + need)
            cap *= 2;
        if (cap > MAX_LISTING) {
            l->cut = true;
            return DIRENT_ABORT;
        }
        if ((p = mem_realloc_array(l->buf, cap, 1)) == NULL) {
            l->cut = true;
            return DIRENT_ABORT;
        }
        l->buf = p;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, &d->inode, 4);
    l->buf[l->len + 4] = (uint8_t)n;
    l->buf[l->len + 5] = (uint8_t)(n >> 8);
    memcpy(l->buf + l->len + 6, d->name, n);
    l->len += need;
    return 0;
}

/* Starts reading the directory ino at the current path. */
static enum fstree_status enter(struct reader *s, ext2_ino_t ino)
{
    struct listing *l = mem_calloc(1, sizeof(*l));
    enum fstree_status st;
    errcode_t err;

    if (l == NULL)
        return FSTREE_NOMEM;
    st = fstree_push(&s->tree, ino, l);
    if (st != FSTREE_OK) {
        free_listing(l);
        return st;
    }
    /* Inline directories too: libext2fs reads them when the blocks
       cannot be (DIRENT_FLAG_INCLUDE_INLINE_DATA is its own). */
    err = ext2fs_dir_iterate2(s->fs, ino, DIRENT_FLAG_INCLUDE_EMPTY, NULL,
                              list_one, l);
    if (err != 0)
        fstree_warn(s->warning, MSG_LEN, "directory listing: %s: /%s",
                    err_str(err), fstree_top(&s->tree)->path);
    else if (l->cut)
        fstree_warn(
            s->warning, MSG_LEN,
            "directory listing longer than %u MiB or %u records: cut: /%s",
            MAX_LISTING >> 20, MAX_VISITS, fstree_top(&s->tree)->path);
    return FSTREE_OK;
}

/* ---- entries ----------------------------------------------------------- */

static enum unpack_result failed(struct reader *s, const char *what,
                                 errcode_t err)
{
    snprintf(s->msg, MSG_LEN, "%s%s%s: /%s", what, err ? ": " : "",
             err ? err_str(err) : "", fstree_path(&s->tree));
    return UNPACK_FAILED;
}

/* The target of the symbolic link s->ino into s->link. */
static enum unpack_result read_link(struct reader *s)
{
    uint64_t size = EXT2_I_SIZE(&s->inode);
    ext2_file_t f;
    unsigned got = 0;
    errcode_t err;

    if (size > MAX_LINK)
        return failed(s, "symbolic link longer than 64 KiB: not read", 0);
    if ((s->link = mem_alloc((size_t)size + 1)) == NULL)
        return UNPACK_NOMEM;
    if (!(s->inode.i_flags & EXT4_INLINE_DATA_FL) &&
        ext2fs_is_fast_symlink(&s->inode)) {
        if (size > sizeof(s->inode.i_block))
            return failed(s, "symbolic link", EXT2_ET_INODE_CORRUPTED);
        memcpy(s->link, s->inode.i_block, (size_t)size);
    } else {
        err = ext2fs_file_open2(s->fs, s->ino, &s->inode, 0, &f);
        if (err == 0) {
            err = ext2fs_file_read(f, s->link, (unsigned)size, &got);
            ext2fs_file_close(f);
        }
        if (err == 0 && got != size)
            err = EXT2_ET_SHORT_READ;
        if (err != 0)
            return failed(s, "symbolic link", err);
    }
    s->link[size] = '\0';
    return UNPACK_OK;
}

/* The entry of inode s->ino, named by the current path. */
static enum unpack_result entry(struct reader *s, struct unpack_entry *e)
{
    errcode_t err = ext2fs_read_inode(s->fs, s->ino, &s->inode);
    const char *first;
    enum unpack_result rc;

    if (err != 0)
        return failed(s, "inode", err);
    memset(e, 0, sizeof(*e));
    e->path = fstree_path(&s->tree);
    e->kind = unpack_kind_of_mode(s->inode.i_mode);
    e->mode = s->inode.i_mode & 07777;
    e->uid = inode_uid(s->inode);
    e->gid = inode_gid(s->inode);
    if (e->kind == UNPACK_DIR) {
        enum fstree_status st = enter(s, s->ino);
        if (st == FSTREE_NOMEM)
            return UNPACK_NOMEM;
        if (st != FSTREE_OK) /* the directory is given, not its content */
            fstree_warn(s->warning, MSG_LEN, "%s: /%s", fstree_status_str(st),
                        e->path);
        return UNPACK_OK;
    }
    if (s->inode.i_links_count > 1 &&
        (first = fstree_link(&s->tree, s->ino)) != NULL) {
        e->kind = UNPACK_HARDLINK;
        e->link = first;
        return UNPACK_OK;
    }
    if (e->kind == UNPACK_SYMLINK) {
        rc = read_link(s);
        e->link = s->link;
        return rc;
    }
    if (e->kind == UNPACK_REGULAR) {
        s->size = EXT2_I_SIZE(&s->inode);
        s->is_file = true;
        e->size = s->size > INT64_MAX ? -1 : (int64_t)s->size;
    }
    return UNPACK_OK;
}

static void end_entry(struct reader *s)
{
    if (s->file != NULL)
        ext2fs_file_close(s->file);
    s->file = NULL;
    s->is_file = false;
    s->pos = s->size = 0;
    mem_free(s->link);
    s->link = NULL;
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct reader *s = state;

    end_entry(s);
    if (s->fatal[0] != '\0') {
        memcpy(s->msg, s->fatal, MSG_LEN);
        return UNPACK_FATAL;
    }
    if (s->warning[0] != '\0') {
        memcpy(s->msg, s->warning, MSG_LEN);
        s->warning[0] = '\0';
        return UNPACK_FAILED;
    }
    for (;;) {
        struct fstree_dir *d = fstree_top(&s->tree);
        struct listing *l;
        uint16_t n;
        enum fstree_status st;

        if (d == NULL && s->declared > s->b.len && !s->told) {
            s->told = true;
            snprintf(s->msg, MSG_LEN,
                     "ext: truncated: the image is %" PRIu64 " bytes, %zu "
                     "are there",
                     s->declared, s->b.len);
            return UNPACK_FATAL;
        }
        if (d == NULL)
            return UNPACK_END;
        l = d->cursor;
        if (l->pos + 6 > l->len) {
            free_listing(fstree_pop(&s->tree));
            continue;
        }
        memcpy(&s->ino, l->buf + l->pos, 4);
        n = (uint16_t)(l->buf[l->pos + 4] | l->buf[l->pos + 5] << 8);
        st = fstree_name(&s->tree, (const char *)l->buf + l->pos + 6, n);
        l->pos += 6 + (size_t)n;
        if (st == FSTREE_NOMEM)
            return UNPACK_NOMEM;
        if (st != FSTREE_OK) {
            snprintf(s->msg, MSG_LEN, "%s: /%s", fstree_status_str(st),
                     d->path);
            return UNPACK_FAILED;
        }
        return entry(s, e);
    }
}

/* The current file's data from where the last call stopped: libext2fs's
   file keeps its position; holes and unwritten extents read as zeros. */
static void read_data(void *state, struct unpack_sink *sink)
{
    struct reader *s = state;
    errcode_t err = 0;

    if (!s->is_file || s->pos >= s->size)
        return;
    if (s->file == NULL)
        err = ext2fs_file_open2(s->fs, s->ino, &s->inode, 0, &s->file);
    while (err == 0 && s->pos < s->size) {
        uint64_t left = s->size - s->pos;
        size_t room;
        unsigned got = 0;
        uint8_t *to = unpack_sink_reserve(
            sink, left < CHUNK ? (size_t)left : CHUNK, &room);
        if (to == NULL)
            return;
        err = ext2fs_file_read(s->file, to, (unsigned)room, &got);
        if (err == 0 && got < room)
            err = EXT2_ET_SHORT_READ;
        unpack_sink_commit(sink, got);
        s->pos += got;
    }
    if (err != 0) {
        snprintf(s->msg, MSG_LEN, "data at offset %" PRIu64 ": %s", s->pos,
                 err_str(err));
        if (err == EXT2_ET_NO_MEMORY)
            sink->stop = UNPACK_STOP_NOMEM;
        unpack_sink_fail(sink);
        s->pos = s->size; /* the rest is not read */
    }
}

static void close_reader(void *state)
{
    struct reader *s = state;

    if (s == NULL)
        return;
    end_entry(s);
    fstree_close(&s->tree, free_listing);
    if (s->fs != NULL)
        ext2fs_close_free(&s->fs);
    mem_free(s);
}

/* Opens the file system; checksum errors in the superblock or the group
   descriptors are tried again without checksums, with a warning. */
static enum unpack_result open_fs(struct reader *s, char *msg)
{
    char name[64];
    int flags = EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP;
    errcode_t err;

    snprintf(name, sizeof(name), "candor-mem:%" PRIxPTR, (uintptr_t)&s->b);
    err = ext2fs_open2(name, NULL, flags, 0, 0, &mem_manager, &s->fs);
    if (err == EXT2_ET_SB_CSUM_INVALID || err == EXT2_ET_UNKNOWN_CSUM ||
        err == EXT2_ET_BAD_DESC_SIZE) {
        fstree_warn(s->warning, MSG_LEN,
                    "ext file system: %s: checksums ignored", err_str(err));
        err = ext2fs_open2(name, NULL, flags | EXT2_FLAG_IGNORE_CSUM_ERRORS, 0,
                           0, &mem_manager, &s->fs);
    }
    if (err != 0) {
        s->fs = NULL;
        snprintf(msg, MSG_LEN, "ext file system: %s", err_str(err));
        return err == EXT2_ET_NO_MEMORY ? UNPACK_NOMEM : UNPACK_FATAL;
    }
    return UNPACK_OK;
}

static enum unpack_result start(struct reader *s, const struct super *sb,
                                char *msg)
{
    enum unpack_result rc;
    enum fstree_status st;
    errcode_t err;

    /* An image cut short (its blocks run past the data) has no known
       end: what follows the cut is carving's (0), and the cut is an
       error once its entries were read. */
    s->extent = sb->blocks * sb->block_size;
    if (s->extent / sb->block_size != sb->blocks)
        s->extent = s->b.len;
    s->declared = s->extent;
    if (s->extent > s->b.len)
        s->extent = 0;
    if ((rc = open_fs(s, msg)) != UNPACK_OK)
        return rc;
    err = ext2fs_read_inode(s->fs, EXT2_ROOT_INO, &s->inode);
    if (err == 0 && !LINUX_S_ISDIR(s->inode.i_mode))
        err = EXT2_ET_NO_DIRECTORY;
    if (err != 0) {
        snprintf(msg, MSG_LEN, "ext root directory: %s", err_str(err));
        return UNPACK_FATAL;
    }
    st = enter(s, EXT2_ROOT_INO);
    if (st == FSTREE_NOMEM)
        return UNPACK_NOMEM;
    return UNPACK_OK;
}

/*
 * A superblock with the shape of one that cannot be opened still opens:
 * its first entry is the failure (UNPACK_FATAL with the message). Failing
 * here would leave the data to libarchive, whose tar reader takes the
 * boot block's zeros for an empty archive, and the damage unreported.
 */
static enum unpack_result open_image(const uint8_t *data, size_t len,
                                     void **out, char *msg, size_t msg_len)
{
    struct bytes b = bytes_make(data, len);
    struct super sb;
    struct reader *s;
    const char *bad;
    enum unpack_result rc = UNPACK_FATAL;

    (void)msg, (void)msg_len;
    if (!read_super(b, &sb) || !super_shape(&sb))
        return UNPACK_NOT_CONTAINER;
    s = mem_calloc(1, sizeof(*s));
    if (s == NULL)
        return UNPACK_NOMEM;
    s->b = b;
    fstree_init(&s->tree);
    if ((bad = check_super(&sb, len)) != NULL) {
        snprintf(s->fatal, MSG_LEN, "ext superblock: %s", bad);
        s->extent = len;
    } else {
        rc = start(s, &sb, s->fatal);
    }
    if (rc == UNPACK_NOMEM) {
        close_reader(s);
        return rc;
    }
    *out = s;
    return UNPACK_OK;
}

static const char *error(const void *state)
{
    const struct reader *s = state;

    return s->msg[0] ? s->msg : "corrupt ext file system";
}

/* blocks_count * block_size, when the image holds that much. */
static uint64_t extent(const void *state)
{
    return ((const struct reader *)state)->extent;
}

static const struct unpack_magic magics[] = {{"\x53\xef", 2, MAGIC_AT}};

const struct unpack_reader unpack_ext = {
    .name = "ext",
    .magics = magics,
    .n_magics = 1,
    .open = open_image,
    .close = close_reader,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
};
