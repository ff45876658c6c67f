/*
 * ubifs.c - see ubifs.h.
 *
 * The layout is Linux's (fs/ubifs/ubifs-media.h; the design in
 * Documentation/filesystems/ubifs.rst). Everything on flash is a node at
 * an 8-byte aligned place of a logical eraseblock (LEB): a 24-byte common
 * header (magic 0x06101831, a CRC-32 of the rest of the node, a sequence
 * number, the node's length and type), then the node's own fields, all
 * little endian. LEB 0 holds the superblock node (the LEB size and count,
 * the key format), LEBs 1 and 2 the master node, whose last copy names the
 * root of the index: a B+ tree of index nodes, each a list of branches
 * (LEB, offset, length, key), whose level-0 branches point at the leaves:
 * inode nodes (mode, owner, size, flags, and for a symbolic link its
 * target), directory entry nodes (the parent's inode number and a name
 * hash in the key; the entry's name and inode number) and data nodes (the
 * inode number and a 4096-byte block number in the key; the block, alone
 * or compressed with LZO, zlib's raw deflate or zstd). A key is 8 bytes:
 * the inode number, then the key type in the top 3 bits of a 32-bit word
 * whose other 29 bits are the block number or the name hash.
 *
 * candor reads the committed index only: it collects the leaves the index
 * points at, sorts them by key, and walks the directory tree from inode 1
 * (src/unpack/fstree.c bounds the walk). A block that has no data node is
 * a hole of zeros, as in UBIFS. Not read: the journal (what a mounted file
 * system wrote after its last commit; an image from mkfs.ubifs has none),
 * extended attributes, authenticated file systems (an error), encrypted
 * files (read as stored, names and data still enciphered).
 *
 * Every node used is checked: its header's magic, length, type and CRC,
 * and a leaf's key against the branch that named it. The index of a
 * hostile image cannot make the walk endless or large: a child is one
 * level below its parent, and the index nodes visited and the leaves kept
 * are at most what the image could hold if every one were a distinct node.
 */
#include "unpack/ubifs.h"

#include <inttypes.h>
#include <lzo/lzo1x.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "unpack/fstree.h"

#define NODE_MAGIC 0x06101831u
#define CH_LEN 24
#define SB_LEN 4096
#define MST_LEN 512
#define INO_LEN 160
#define DENT_LEN 56
#define DATA_LEN 48
#define IDX_LEN 28
#define BRANCH_LEN 20 /* lnum, offs, len, an 8-byte key */
#define BLOCK 4096u
#define MAX_NLEN 255
#define MAX_LEVELS 512
#define MIN_LEB (15u * 1024)
#define MAX_LEB (16u << 20)
#define MAX_LEAVES (1u << 21)
#define ROOT_INO 1

enum { NODE_INO, NODE_DATA, NODE_DENT, NODE_XENT, NODE_TRUN, NODE_PAD,
       NODE_SB, NODE_MST, NODE_REF, NODE_IDX };
enum { COMPR_NONE, COMPR_LZO, COMPR_ZLIB, COMPR_ZSTD };
#define FLAG_AUTHENTICATION 0x20u
#define KEY_TYPE_SHIFT 29
#define KEY_LOW_MASK 0x1FFFFFFFu

/* A leaf of the index: its key and where its node is. */
struct leaf {
    uint32_t ino;
    uint32_t kh; /* key type << 29 | block number or name hash */
    uint64_t off;
    uint32_t len;
};

/* A directory being listed: its entries' leaves [i, end). */
struct cursor {
    size_t i, end;
};

struct ubifs {
    struct bytes b;
    uint32_t leb_size, leb_cnt;
    uint64_t extent;
    struct leaf *leaves;
    size_t n_leaves;
    struct fstree tree;
    /* The current regular file. */
    bool have_cur;
    uint32_t cur_ino;
    uint64_t cur_size, blk; /* blk: the next block to give */
    size_t k, k_end;        /* its data leaves */
    uint8_t buf[BLOCK];
    size_t buf_len, buf_given;
    char link[BLOCK + 1];
    char msg[200];
    char warning[200]; /* given as the next entry's failure */
};

static uint32_t key_type(uint32_t kh)
{
    return kh >> KEY_TYPE_SHIFT;
}

/*
 * The node of len bytes at LEB lnum, offset offs, of the given type, with
 * its header and CRC checked, into *node; false when it is not one.
 */
static bool node_at(const struct ubifs *s, uint32_t lnum, uint32_t offs,
                    uint32_t len, int type, struct bytes *node)
{
    uint32_t magic, crc, node_len;
    uint8_t node_type;

    if (lnum >= s->leb_cnt || offs > s->leb_size || len < CH_LEN ||
        len > s->leb_size - offs ||
        !bytes_slice(s->b, (uint64_t)lnum * s->leb_size + offs, len, node))
        return false;
    if (!bytes_u32le(*node, 0, &magic) || magic != NODE_MAGIC ||
        !bytes_u32le(*node, 4, &crc) || !bytes_u32le(*node, 16, &node_len) ||
        node_len != len || !bytes_u8(*node, 20, &node_type) ||
        node_type != type)
        return false;
    return (uint32_t)~crc32(0, node->p + 8, (uInt)(len - 8)) == crc;
}

static void say(char *msg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(char *msg, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(msg, 200, "ubifs: ");

    va_start(ap, fmt);
    vsnprintf(msg + n, (size_t)(200 - n), fmt, ap);
    va_end(ap);
}

/* The superblock's fields that matter; false (msg set) when unusable. */
static bool read_super(struct ubifs *s, char *msg, size_t msg_len)
{
    struct bytes sb;
    uint32_t leb_size = 0, leb_cnt = 0, flags = 0;
    uint8_t key_hash = 0, key_fmt = 0;

    uint32_t crc = 0;

    if (!bytes_slice(s->b, 0, SB_LEN, &sb) || !bytes_u32le(sb, 4, &crc) ||
        (uint32_t)~crc32(0, sb.p + 8, SB_LEN - 8) != crc) {
        snprintf(msg, msg_len, "ubifs: the superblock node's CRC does "
                               "not match");
        return false;
    }
    bytes_u8(sb, 26, &key_hash);
    bytes_u8(sb, 27, &key_fmt);
    bytes_u32le(sb, 28, &flags);
    bytes_u32le(sb, 36, &leb_size);
    bytes_u32le(sb, 40, &leb_cnt);
    if (key_fmt != 0 || key_hash > 1) {
        snprintf(msg, msg_len, "ubifs: key format %u (hash %u) unknown",
                 key_fmt, key_hash);
        return false;
    }
    if (flags & FLAG_AUTHENTICATION) {
        snprintf(msg, msg_len, "ubifs: an authenticated file system (hashes "
                               "in the index) is not read");
        return false;
    }
    if (leb_size < MIN_LEB || leb_size > MAX_LEB || leb_size % 8 != 0 ||
        leb_cnt < 3 || leb_cnt > (1u << 24)) {
        snprintf(msg, msg_len, "ubifs: LEB size %u or count %u impossible",
                 leb_size, leb_cnt);
        return false;
    }
    s->leb_size = leb_size;
    s->leb_cnt = leb_cnt;
    return true;
}

/* The last master node of LEB 1, else of LEB 2, into *mst. */
static bool read_master(struct ubifs *s, struct bytes *mst)
{
    for (uint32_t lnum = 1; lnum <= 2; lnum++) {
        bool found = false;
        uint64_t best = 0;
        for (uint32_t offs = 0; offs + MST_LEN <= s->leb_size;
             offs += MST_LEN) {
            struct bytes node;
            uint64_t sqnum = 0;
            if (!node_at(s, lnum, offs, MST_LEN, NODE_MST, &node))
                break;
            bytes_u64le(node, 8, &sqnum);
            if (!found || sqnum > best) {
                *mst = node;
                best = sqnum;
                found = true;
            }
        }
        if (found)
            return true;
    }
    return false;
}

static int leaf_cmp(const void *x, const void *y)
{
    const struct leaf *a = x, *b = y;

    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    if (a->kh != b->kh)
        return a->kh < b->kh ? -1 : 1;
    return a->off < b->off ? -1 : a->off > b->off;
}

static void see(struct ubifs *s, uint32_t lnum)
{
    uint64_t end = ((uint64_t)lnum + 1) * s->leb_size;

    if (end > s->extent)
        s->extent = end;
}

/* An index node being read. */
struct frame {
    struct bytes node;
    uint16_t n, next, level;
};

/* Collects the leaves of the index under the root branch. */
static enum unpack_result walk_index(struct ubifs *s, uint32_t lnum,
                                     uint32_t offs, uint32_t len, char *msg,
                                     size_t msg_len)
{
    struct frame *stack = mem_realloc_array(NULL, MAX_LEVELS + 1,
                                            sizeof(*stack));
    uint64_t max_leaves = s->b.len / DATA_LEN + 1;
    uint64_t max_visits = s->b.len / IDX_LEN + 1, visits = 0;
    size_t cap = 0, depth = 0;
    enum unpack_result rc = UNPACK_OK;
    uint32_t c_lnum = lnum, c_offs = offs, c_len = len;
    int want_level = -1; /* the root's level is its own */

    if (stack == NULL)
        return UNPACK_NOMEM;
    if (max_leaves > MAX_LEAVES)
        max_leaves = MAX_LEAVES;
    for (;;) {
        /* Enter the index node c_*: it must be one level below. */
        struct frame *f = &stack[depth];
        uint16_t n = 0, level = 0;
        if (visits++ >= max_visits ||
            !node_at(s, c_lnum, c_offs, c_len, NODE_IDX, &f->node) ||
            !bytes_u16le(f->node, 24, &n) ||
            !bytes_u16le(f->node, 26, &level) || n == 0 ||
            level > MAX_LEVELS ||
            (want_level >= 0 && level != (unsigned)want_level) ||
            (uint64_t)IDX_LEN + (uint64_t)n * BRANCH_LEN > c_len) {
            if (visits > max_visits)
                snprintf(msg, msg_len, "ubifs: the index refers to more "
                                       "nodes than the image can hold");
            else
                snprintf(msg, msg_len, "ubifs: a damaged index node at LEB "
                                       "%u offset %u",
                         c_lnum, c_offs);
            rc = UNPACK_FATAL;
            break;
        }
        see(s, c_lnum);
        f->n = n;
        f->next = 0;
        f->level = level;
        depth++;
        /* Go down to the next index node to read, or up when done. */
        for (;;) {
            uint32_t b_lnum = 0, b_offs = 0, b_len = 0, ino = 0, kh = 0;
            uint64_t at;
            f = &stack[depth - 1];
            if (f->next == f->n) {
                if (--depth == 0)
                    goto out;
                continue;
            }
            at = IDX_LEN + (uint64_t)f->next++ * BRANCH_LEN;
            bytes_u32le(f->node, at, &b_lnum);
            bytes_u32le(f->node, at + 4, &b_offs);
            bytes_u32le(f->node, at + 8, &b_len);
            bytes_u32le(f->node, at + 12, &ino);
            bytes_u32le(f->node, at + 16, &kh);
            if (f->level > 0) {
                c_lnum = b_lnum;
                c_offs = b_offs;
                c_len = b_len;
                want_level = f->level - 1;
                break;
            }
            if (s->n_leaves >= max_leaves) {
                snprintf(msg, msg_len, "ubifs: the index refers to more "
                                       "nodes than the image can hold");
                rc = UNPACK_FATAL;
                goto out;
            }
            if (b_lnum >= s->leb_cnt)
                continue; /* checked again when the leaf is read */
            see(s, b_lnum);
            if (s->n_leaves == cap) {
                size_t ncap = cap ? cap * 2 : 1024;
                struct leaf *l = mem_realloc_array(s->leaves, ncap,
                                                   sizeof(*l));
                if (l == NULL) {
                    rc = UNPACK_NOMEM;
                    goto out;
                }
                s->leaves = l;
                cap = ncap;
            }
            s->leaves[s->n_leaves++] = (struct leaf){
                .ino = ino,
                .kh = kh,
                .off = (uint64_t)b_lnum * s->leb_size + b_offs,
                .len = b_len,
            };
        }
    }
out:
    mem_free(stack);
    return rc;
}

/* The leaves [*i, *end) with inode number ino and key type type. */
static void range(const struct ubifs *s, uint32_t ino, uint32_t type,
                  size_t *i, size_t *end)
{
    uint32_t lo = type << KEY_TYPE_SHIFT;
    size_t a = 0, b = s->n_leaves;

    while (a < b) { /* the first leaf not below (ino, lo) */
        size_t m = a + (b - a) / 2;
        const struct leaf *l = &s->leaves[m];
        if (l->ino < ino || (l->ino == ino && l->kh < lo))
            a = m + 1;
        else
            b = m;
    }
    *i = a;
    while (b < s->n_leaves && s->leaves[b].ino == ino &&
           key_type(s->leaves[b].kh) == type)
        b++;
    *end = b < a ? a : b;
}

/* The node of leaf l, of type type, with its key checked. */
static bool leaf_node(const struct ubifs *s, const struct leaf *l, int type,
                      struct bytes *node)
{
    uint32_t lnum = (uint32_t)(l->off / s->leb_size);
    uint32_t offs = (uint32_t)(l->off % s->leb_size);
    uint32_t ino = 0, kh = 0;

    return node_at(s, lnum, offs, l->len, type, node) &&
           bytes_u32le(*node, 24, &ino) && bytes_u32le(*node, 28, &kh) &&
           ino == l->ino && kh == l->kh;
}

/* An inode's node, by number. */
struct inode {
    struct bytes node;
    uint64_t size;
    uint32_t nlink, uid, gid, mode, data_len;
};

static bool find_inode(const struct ubifs *s, uint32_t ino, struct inode *in)
{
    size_t i, end;

    range(s, ino, NODE_INO, &i, &end);
    if (i == end || (s->leaves[i].kh & KEY_LOW_MASK) != 0 ||
        !leaf_node(s, &s->leaves[i], NODE_INO, &in->node) ||
        in->node.len < INO_LEN)
        return false;
    bytes_u64le(in->node, 48, &in->size);
    bytes_u32le(in->node, 92, &in->nlink);
    bytes_u32le(in->node, 96, &in->uid);
    bytes_u32le(in->node, 100, &in->gid);
    bytes_u32le(in->node, 104, &in->mode);
    bytes_u32le(in->node, 112, &in->data_len);
    return in->data_len <= BLOCK && in->data_len <= in->node.len - INO_LEN;
}

static enum fstree_status enter(struct ubifs *s, uint32_t ino)
{
    struct cursor *c = mem_alloc(sizeof(*c));
    enum fstree_status st;

    if (c == NULL)
        return FSTREE_NOMEM;
    range(s, ino, NODE_DENT, &c->i, &c->end);
    st = fstree_push(&s->tree, ino, c);
    if (st != FSTREE_OK)
        mem_free(c);
    return st;
}

static void close_ubifs(void *state)
{
    struct ubifs *s = state;

    if (s == NULL)
        return;
    while (fstree_top(&s->tree) != NULL)
        mem_free(fstree_pop(&s->tree));
    fstree_fini(&s->tree);
    mem_free(s->leaves);
    mem_free(s);
}

static const char *error(const void *state)
{
    const struct ubifs *s = state;

    return s->msg[0] ? s->msg : "ubifs: corrupt image";
}

static enum unpack_result open_ubifs(const uint8_t *data, size_t len,
                                     void **state, char *msg, size_t msg_len)
{
    struct bytes b = bytes_make(data, len);
    uint32_t magic = 0, root_lnum = 0, root_offs = 0, root_len = 0;
    uint8_t type = 0;
    struct ubifs *s;
    struct bytes mst = {NULL, 0};
    struct inode root;
    enum unpack_result rc;
    enum fstree_status st;

    if (!bytes_u32le(b, 0, &magic) || magic != NODE_MAGIC ||
        !bytes_u8(b, 20, &type) || type != NODE_SB)
        return UNPACK_NOT_CONTAINER;
    s = mem_calloc(1, sizeof(*s));
    if (s == NULL)
        return UNPACK_NOMEM;
    s->b = b;
    fstree_init(&s->tree);
    if (!read_super(s, msg, msg_len)) {
        close_ubifs(s);
        return UNPACK_FATAL;
    }
    see(s, 0);
    if (!read_master(s, &mst)) {
        snprintf(msg, msg_len, "ubifs: no valid master node in LEB 1 or 2");
        close_ubifs(s);
        return UNPACK_FATAL;
    }
    see(s, (uint32_t)((uint64_t)(mst.p - data) / s->leb_size));
    bytes_u32le(mst, 48, &root_lnum);
    bytes_u32le(mst, 52, &root_offs);
    bytes_u32le(mst, 56, &root_len);
    rc = walk_index(s, root_lnum, root_offs, root_len, msg, msg_len);
    if (rc != UNPACK_OK) {
        close_ubifs(s);
        return rc;
    }
    if (s->n_leaves > 0)
        qsort(s->leaves, s->n_leaves, sizeof(*s->leaves), leaf_cmp);
    if (!find_inode(s, ROOT_INO, &root) ||
        unpack_kind_of_mode(root.mode) != UNPACK_DIR) {
        snprintf(msg, msg_len, "ubifs: the root directory's inode is "
                               "missing or damaged");
        close_ubifs(s);
        return UNPACK_FATAL;
    }
    st = enter(s, ROOT_INO);
    if (st != FSTREE_OK) {
        close_ubifs(s);
        return UNPACK_NOMEM;
    }
    if (lzo_init() != LZO_E_OK) {
        snprintf(msg, msg_len, "ubifs: liblzo2 failed to start");
        close_ubifs(s);
        return UNPACK_FATAL;
    }
    *state = s;
    return UNPACK_OK;
}

/* The entry for inode ino, named by the current path. */
static enum unpack_result entry(struct ubifs *s, uint32_t ino,
                                struct unpack_entry *e)
{
    struct inode in;
    const char *first;

    memset(e, 0, sizeof(*e));
    e->path = fstree_path(&s->tree);
    if (!find_inode(s, ino, &in)) {
        say(s->msg, "inode %u of /%s is missing or damaged", ino, e->path);
        return UNPACK_FAILED;
    }
    e->kind = unpack_kind_of_mode(in.mode);
    e->mode = in.mode & 07777;
    e->uid = in.uid;
    e->gid = in.gid;
    if (e->kind == UNPACK_DIR) {
        enum fstree_status st = enter(s, ino);
        if (st == FSTREE_NOMEM)
            return UNPACK_NOMEM;
        if (st != FSTREE_OK) /* the directory is given, not its content */
            say(s->warning, "%s: /%s", fstree_status_str(st), e->path);
        return UNPACK_OK;
    }
    if (in.nlink > 1 && (first = fstree_link(&s->tree, ino)) != NULL) {
        e->kind = UNPACK_HARDLINK;
        e->link = first;
        return UNPACK_OK;
    }
    if (e->kind == UNPACK_SYMLINK) {
        memcpy(s->link, in.node.p + INO_LEN, in.data_len);
        s->link[in.data_len] = '\0';
        e->link = s->link;
        e->size = (int64_t)strlen(s->link);
    } else if (e->kind == UNPACK_REGULAR) {
        e->size = in.size > INT64_MAX ? INT64_MAX : (int64_t)in.size;
        s->have_cur = true;
        s->cur_ino = ino;
        s->cur_size = in.size;
        range(s, ino, NODE_DATA, &s->k, &s->k_end);
    }
    return UNPACK_OK;
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct ubifs *s = state;

    s->have_cur = false;
    s->blk = 0;
    s->buf_len = s->buf_given = 0;
    if (s->warning[0] != '\0') {
        memcpy(s->msg, s->warning, sizeof(s->msg));
        s->warning[0] = '\0';
        return UNPACK_FAILED;
    }
    for (;;) {
        struct fstree_dir *d = fstree_top(&s->tree);
        struct cursor *c;
        const struct leaf *l;
        struct bytes node;
        uint64_t inum = 0;
        uint16_t nlen = 0;
        enum fstree_status st;

        if (d == NULL)
            return UNPACK_END;
        c = d->cursor;
        if (c->i == c->end) {
            mem_free(fstree_pop(&s->tree));
            continue;
        }
        l = &s->leaves[c->i++];
        if (!leaf_node(s, l, NODE_DENT, &node) ||
            !bytes_u64le(node, 40, &inum) || !bytes_u16le(node, 50, &nlen) ||
            nlen == 0 || nlen > MAX_NLEN ||
            (uint64_t)DENT_LEN + nlen > node.len || inum > UINT32_MAX) {
            say(s->msg, "a damaged directory entry in /%s", d->path);
            return UNPACK_FAILED;
        }
        st = fstree_name(&s->tree, (const char *)node.p + DENT_LEN, nlen);
        if (st == FSTREE_NOMEM)
            return UNPACK_NOMEM;
        if (st != FSTREE_OK) {
            say(s->msg, "%s: /%s", fstree_status_str(st), d->path);
            return UNPACK_FAILED;
        }
        return entry(s, (uint32_t)inum, e);
    }
}

/* Decompresses a data node's payload into out (BLOCK bytes). */
static bool unpack_block(unsigned compr, const uint8_t *in, size_t in_len,
                         uint8_t *out, size_t *out_len)
{
    switch (compr) {
    case COMPR_NONE:
        if (in_len > BLOCK)
            return false;
        memcpy(out, in, in_len);
        *out_len = in_len;
        return true;
    case COMPR_LZO: {
        lzo_uint n = BLOCK;
        if (lzo1x_decompress_safe(in, in_len, out, &n, NULL) != LZO_E_OK)
            return false;
        *out_len = n;
        return true;
    }
    case COMPR_ZLIB: { /* raw deflate, as the kernel's crypto API has it */
        z_stream z;
        int zrc;
        memset(&z, 0, sizeof(z));
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
            return false;
        z.next_in = (Bytef *)(uintptr_t)in;
        z.avail_in = (uInt)in_len;
        z.next_out = out;
        z.avail_out = BLOCK;
        zrc = inflate(&z, Z_FINISH);
        *out_len = BLOCK - z.avail_out;
        inflateEnd(&z);
        return zrc == Z_STREAM_END;
    }
    case COMPR_ZSTD: {
        size_t n = ZSTD_decompress(out, BLOCK, in, in_len);
        if (ZSTD_isError(n))
            return false;
        *out_len = n;
        return true;
    }
    default: return false;
    }
}

/* Block s->blk of the current file into s->buf: its data node, or zeros. */
static bool load_block(struct ubifs *s)
{
    uint64_t left = s->cur_size - s->blk * BLOCK;
    size_t want = left < BLOCK ? (size_t)left : BLOCK, got = 0;

    while (s->k < s->k_end &&
           (s->leaves[s->k].kh & KEY_LOW_MASK) < s->blk)
        s->k++;
    memset(s->buf, 0, want);
    if (s->k < s->k_end && (s->leaves[s->k].kh & KEY_LOW_MASK) == s->blk) {
        struct bytes node;
        uint32_t size = 0;
        uint16_t compr = 0;
        uint8_t tmp[BLOCK];
        if (!leaf_node(s, &s->leaves[s->k], NODE_DATA, &node) ||
            node.len < DATA_LEN || !bytes_u32le(node, 40, &size) ||
            !bytes_u16le(node, 44, &compr) || size > BLOCK ||
            !unpack_block(compr, node.p + DATA_LEN, node.len - DATA_LEN,
                          tmp, &got) ||
            got != size) {
            say(s->msg, "a damaged data node (block %" PRIu64 ")", s->blk);
            return false;
        }
        memcpy(s->buf, tmp, got < want ? got : want);
        s->k++;
    }
    s->buf_len = want;
    s->buf_given = 0;
    s->blk++;
    return true;
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct ubifs *s = state;

    while (s->have_cur) {
        if (s->buf_given == s->buf_len) {
            /* Blocks past 2^29 cannot have data: the rest is a hole. */
            if (s->blk * BLOCK >= s->cur_size) {
                s->have_cur = false;
                return;
            }
            if (!load_block(s)) {
                s->have_cur = false;
                unpack_sink_fail(sink);
                return;
            }
        }
        if (!unpack_sink_give(sink, s->buf, s->buf_len, &s->buf_given))
            return;
    }
}

static uint64_t extent(const void *state)
{
    const struct ubifs *s = state;

    return s->extent < s->b.len ? s->extent : s->b.len;
}

static bool verified(const void *state)
{
    (void)state;
    return true; /* the superblock's and the master node's CRCs held */
}

/* The superblock node's length (4096), type (6), no group, no padding. */
static const struct unpack_magic magics[] = {
    {"\x00\x10\x00\x00\x06\x00\x00\x00", 8, 16},
};

const struct unpack_reader unpack_ubifs = {
    .name = "ubifs",
    .magics = magics,
    .n_magics = sizeof(magics) / sizeof(magics[0]),
    .open = open_ubifs,
    .close = close_ubifs,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
    .verified = verified,
};
