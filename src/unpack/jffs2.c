/* jffs2.c - see jffs2.h. */
#include "unpack/jffs2.h"

#include <inttypes.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/arena.h"
#include "base/bytes.h"
#include "base/map.h"
#include "base/mem.h"
#include "unpack/fstree.h"

#define MSG_LEN 512
#define MAGIC 0x1985
#define T_DIRENT 0xE001
#define T_INODE 0xE002
#define ACCURATE 0x2000 /* cleared in a node marked obsolete */
#define HDR_LEN 12
#define DIRENT_LEN 40
#define INODE_LEN 68
#define PAGE 4096u
#define MAX_NODES (1u << 21)
#define MAX_GARBAGE (256u << 10)
#define MAX_BIG 4096u /* zero nodes longer than a page, per file */
#define ROOT_INO 1
#define LZMA_DICT 0x2000
/* Fields of an inode node (struct jffs2_raw_inode) after the header:
   ino 12, version 16, mode 20, uid 24, gid 26, isize 28, times 32-43. */
#define I_OFFSET 44
#define I_CSIZE 48
#define I_DSIZE 52
#define I_COMPR 56
#define I_DATA_CRC 60
#define I_NODE_CRC 64 /* of the 60 bytes before it */

enum compr {
    C_NONE = 0,
    C_ZERO = 1,
    C_RTIME = 2,
    C_RUBINMIPS = 3,
    C_COPY = 4,
    C_DYNRUBIN = 5,
    C_ZLIB = 6,
    C_LZO = 7,
    C_LZMA = 8,
};

/* An inode node, as indexed by the scan. */
struct inode_node {
    uint64_t pos; /* of its header in the image */
    uint32_t ino, version, offset, dsize;
};

/* A directory entry node; name points into the image. */
struct dirent {
    const uint8_t *name;
    uint32_t pino, version, ino;
    uint8_t nsize;
};

/* An inode: its nodes are nodes[first, first + n) (by offset), its zero
   nodes longer than a page bigs[big_first, big_first + n_big). */
struct file {
    uint32_t ino;
    size_t first, n, big_first, n_big;
    uint64_t latest; /* the newest node's position */
    uint32_t latest_version;
    uint32_t n_names;
    uint32_t mode;
    uint16_t uid, gid;
    uint32_t size;
};

/* A directory being read: dirents[i, end). */
struct cursor {
    size_t i, end;
};

struct reader {
    struct bytes b;
    bool big; /* byte order */
    struct inode_node *nodes, *bigs;
    size_t n_nodes, cap_nodes, n_bigs, cap_bigs;
    struct dirent *dirents;
    size_t n_dirents, cap_dirents;
    struct file *files;
    size_t n_files;
    struct map by_ino; /* ino -> index in files */
    struct arena keys;
    struct fstree tree;
    uint64_t extent;
    /* The current entry. */
    const struct file *cur;
    char *link;
    uint8_t page[PAGE], covered[PAGE], node_data[PAGE];
    uint64_t cached; /* the node whose data is in node_data, +1; 0: none */
    size_t *cand;
    size_t cap_cand;
    uint64_t pos;     /* bytes of the current file assembled */
    size_t page_len, page_given;
    bool failed_file;
    char warning[MSG_LEN];
    char msg[MSG_LEN];
};

/* JFFS2's CRC-32: zlib's polynomial, seed 0 and no inversion before or
   after, which is zlib's crc32 started at ~0 and inverted. */
static uint32_t jcrc(const uint8_t *p, size_t n)
{
    uLong c = 0xFFFFFFFFul;

    while (n > 0) {
        uInt k = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, k);
        p += k;
        n -= k;
    }
    return ~(uint32_t)c;
}

static uint32_t get32(const struct reader *s, uint64_t at)
{
    uint64_t v = 0;

    bytes_uint(s->b, at, 4, s->big, &v);
    return (uint32_t)v;
}

static uint16_t get16(const struct reader *s, uint64_t at)
{
    uint64_t v = 0;

    bytes_uint(s->b, at, 2, s->big, &v);
    return (uint16_t)v;
}

/* Whether a node header whose CRC holds is at pos: its type and length. */
static bool header_at(const struct reader *s, uint64_t pos, uint16_t *type,
                      uint32_t *totlen)
{
    if (!bytes_has(s->b, pos, HDR_LEN) || get16(s, pos) != MAGIC)
        return false;
    if (get32(s, pos + 8) != jcrc(s->b.p + pos, 8))
        return false;
    *type = get16(s, pos + 2);
    *totlen = get32(s, pos + 4);
    return *totlen >= HDR_LEN;
}

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
    size_t c;
    void *q;

    if (n < *cap)
        return p;
    c = *cap ? *cap * 2 : 256;
    q = mem_realloc_array(p, c, size);
    if (q != NULL)
        *cap = c;
    return q;
}

/* ---- the scan ---------------------------------------------------------- */

struct scan_counts {
    size_t bad_crc, bad_size;
};

static bool add_dirent(struct reader *s, uint64_t pos, uint32_t totlen,
                       struct scan_counts *k)
{
    uint8_t nsize = 0;
    struct dirent *d;

    bytes_u8(s->b, pos + 28, &nsize);
    if (totlen < DIRENT_LEN + (uint32_t)nsize || nsize == 0) {
        k->bad_size++;
        return true;
    }
    if (get32(s, pos + 32) != jcrc(s->b.p + pos, 32) ||
        get32(s, pos + 36) != jcrc(s->b.p + pos + DIRENT_LEN, nsize)) {
        k->bad_crc++;
        return true;
    }
    if ((d = grow(s->dirents, &s->cap_dirents, s->n_dirents,
                  sizeof(*d))) == NULL)
        return false;
    s->dirents = d;
    d = &s->dirents[s->n_dirents++];
    d->name = s->b.p + pos + DIRENT_LEN;
    d->nsize = nsize;
    d->pino = get32(s, pos + 12);
    d->version = get32(s, pos + 16);
    d->ino = get32(s, pos + 20);
    return true;
}

static bool add_inode(struct reader *s, uint64_t pos, uint32_t totlen,
                      struct scan_counts *k)
{
    uint32_t csize = get32(s, pos + I_CSIZE), dsize = get32(s, pos + I_DSIZE);
    uint8_t compr = 0;
    struct inode_node *n, **list = &s->nodes;
    size_t *len = &s->n_nodes, *cap = &s->cap_nodes;

    bytes_u8(s->b, pos + I_COMPR, &compr);
    if (totlen < INODE_LEN) {
        k->bad_size++;
        return true;
    }
    if (get32(s, pos + I_NODE_CRC) != jcrc(s->b.p + pos, I_NODE_CRC - 4)) {
        k->bad_crc++;
        return true;
    }
    if (csize > totlen - INODE_LEN || get32(s, pos + 12) == 0 ||
        (dsize > PAGE && compr != C_ZERO)) {
        k->bad_size++;
        return true;
    }
    if (dsize > PAGE) {
        list = &s->bigs;
        len = &s->n_bigs;
        cap = &s->cap_bigs;
    }
    if ((n = grow(*list, cap, *len, sizeof(*n))) == NULL)
        return false;
    *list = n;
    n = &n[(*len)++];
    n->pos = pos;
    n->ino = get32(s, pos + 12);
    n->version = get32(s, pos + 16);
    n->offset = get32(s, pos + I_OFFSET);
    n->dsize = dsize;
    return true;
}

/* Reads every node from the start; false when out of memory. */
static bool scan(struct reader *s)
{
    struct scan_counts k = {0, 0};
    uint64_t pos = 0, garbage = 0;
    size_t damaged = 0; /* headers with the magic number since the last node */
    bool full = false;

    while (pos + HDR_LEN <= s->b.len) {
        uint16_t type;
        uint32_t totlen, word;
        if (!header_at(s, pos, &type, &totlen)) {
            if (get16(s, pos) == MAGIC)
                damaged++; /* a damaged node, or the magic by chance */
            word = get32(s, pos);
            if (word != 0xFFFFFFFFu && (garbage += 4) > MAX_GARBAGE)
                break;
            pos += 4;
            continue;
        }
        garbage = 0;
        /* Damaged headers before a good node are the image's; after the
           last one they are whatever follows it (a magic number by chance
           in the next data of a blob), and not counted. */
        k.bad_crc += damaged;
        damaged = 0;
        if (!bytes_has(s->b, pos, totlen)) {
            fstree_warn(s->warning, MSG_LEN,
                        "node at offset %" PRIu64 " of %" PRIu32
                        " bytes past the image's end",
                        pos, totlen);
            s->extent = s->b.len; /* the image goes on past the data */
            break;
        }
        if (s->n_nodes + s->n_bigs + s->n_dirents >= MAX_NODES) {
            full = true;
            break;
        }
        if ((type & ACCURATE) && type == T_DIRENT &&
            !add_dirent(s, pos, totlen, &k))
            return false;
        if ((type & ACCURATE) && type == T_INODE &&
            !add_inode(s, pos, totlen, &k))
            return false;
        pos += ((uint64_t)totlen + 3) & ~(uint64_t)3;
        s->extent = pos < s->b.len ? pos : s->b.len;
    }
    /* Less than a header left, starting with the magic number right
       after the last node: a node cut by the data's end. */
    if (!full && pos + HDR_LEN > s->b.len && pos + 2 <= s->b.len &&
        pos == s->extent && get16(s, pos) == MAGIC) {
        fstree_warn(s->warning, MSG_LEN,
                    "node at offset %" PRIu64 " cut by the image's end", pos);
        s->extent = s->b.len;
    }
    if (k.bad_crc > 0)
        fstree_warn(s->warning, MSG_LEN,
                    "%zu nodes whose CRC does not hold: skipped", k.bad_crc);
    if (k.bad_size > 0)
        fstree_warn(s->warning, MSG_LEN,
                    "%zu nodes with impossible sizes: skipped", k.bad_size);
    if (full)
        fstree_warn(s->warning, MSG_LEN,
                    "more than %u nodes: those after offset %" PRIu64
                    " not read",
                    MAX_NODES, pos);
    return true;
}

/* ---- the index --------------------------------------------------------- */

static int by_ino_offset(const void *x, const void *y)
{
    const struct inode_node *a = x, *b = y;

    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return a->version < b->version ? -1 : a->version > b->version;
}

static int by_parent_name(const void *x, const void *y)
{
    const struct dirent *a = x, *b = y;
    size_t n = a->nsize < b->nsize ? a->nsize : b->nsize;
    int c;

    if (a->pino != b->pino)
        return a->pino < b->pino ? -1 : 1;
    if ((c = memcmp(a->name, b->name, n)) != 0)
        return c;
    if (a->nsize != b->nsize)
        return a->nsize < b->nsize ? -1 : 1;
    return a->version < b->version ? -1 : a->version > b->version;
}

static struct file *file_of(const struct reader *s, uint32_t ino)
{
    uint64_t i;

    if (!map_get(&s->by_ino, (const char *)&ino, sizeof(ino), &i))
        return NULL;
    return &s->files[i];
}

/* The newest node of f among nodes[from, to) sets its metadata. */
static void newest(struct reader *s, struct file *f,
                   const struct inode_node *n)
{
    if (f->latest != 0 && n->version < f->latest_version)
        return;
    f->latest = n->pos + 1;
    f->latest_version = n->version;
    f->mode = get32(s, n->pos + 20);
    f->uid = get16(s, n->pos + 24);
    f->gid = get16(s, n->pos + 26);
    f->size = get32(s, n->pos + 28);
}

/* One file per inode number, in the map. */
static bool index_files(struct reader *s)
{
    size_t bi = 0;

    /* qsort takes no NULL array, even empty */
    if (s->n_nodes > 1)
        qsort(s->nodes, s->n_nodes, sizeof(*s->nodes), by_ino_offset);
    if (s->n_bigs > 1)
        qsort(s->bigs, s->n_bigs, sizeof(*s->bigs), by_ino_offset);
    s->files = mem_calloc(s->n_nodes + s->n_bigs + 1, sizeof(*s->files));
    if (s->files == NULL)
        return false;
    for (size_t i = 0; i < s->n_nodes || bi < s->n_bigs;) {
        uint32_t ino = i < s->n_nodes ? s->nodes[i].ino : s->bigs[bi].ino;
        struct file *f = &s->files[s->n_files];
        char *key;
        if (bi < s->n_bigs && s->bigs[bi].ino < ino)
            ino = s->bigs[bi].ino;
        f->ino = ino;
        f->first = i;
        while (i < s->n_nodes && s->nodes[i].ino == ino)
            newest(s, f, &s->nodes[i++]);
        f->n = i - f->first;
        f->big_first = bi;
        while (bi < s->n_bigs && s->bigs[bi].ino == ino)
            newest(s, f, &s->bigs[bi++]);
        f->n_big = bi - f->big_first;
        if (f->n_big > MAX_BIG) {
            fstree_warn(s->warning, MSG_LEN,
                        "inode %" PRIu32 ": %zu hole nodes, only %u read", ino,
                        f->n_big, MAX_BIG);
            f->n_big = MAX_BIG;
        }
        key = arena_memdup(&s->keys, &f->ino, sizeof(f->ino));
        if (key == NULL || !map_put(&s->by_ino, key, sizeof(ino), s->n_files))
            return false;
        s->n_files++;
    }
    return true;
}

/* The newest entry of each parent and name; deletions dropped. */
static void index_dirents(struct reader *s)
{
    size_t out = 0;

    if (s->n_dirents > 1)
        qsort(s->dirents, s->n_dirents, sizeof(*s->dirents), by_parent_name);
    for (size_t i = 0; i < s->n_dirents; i++) {
        const struct dirent *d = &s->dirents[i];
        struct file *f;
        if (i + 1 < s->n_dirents && d->pino == d[1].pino &&
            d->nsize == d[1].nsize &&
            memcmp(d->name, d[1].name, d->nsize) == 0)
            continue; /* a newer one follows */
        if (d->ino == 0)
            continue;
        if ((f = file_of(s, d->ino)) != NULL)
            f->n_names++;
        s->dirents[out++] = *d;
    }
    s->n_dirents = out;
}

/* The entries of directory pino: dirents[*from, *to). */
static void children(const struct reader *s, uint32_t pino,
                     struct cursor *c)
{
    size_t lo = 0, hi = s->n_dirents;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->dirents[mid].pino < pino)
            lo = mid + 1;
        else
            hi = mid;
    }
    c->i = c->end = lo;
    while (c->end < s->n_dirents && s->dirents[c->end].pino == pino)
        c->end++;
}

static enum fstree_status enter(struct reader *s, uint32_t ino)
{
    struct cursor *c = mem_alloc(sizeof(*c));
    enum fstree_status st;

    if (c == NULL)
        return FSTREE_NOMEM;
    children(s, ino, c);
    st = fstree_push(&s->tree, ino, c);
    if (st != FSTREE_OK)
        mem_free(c);
    return st;
}

/* ---- data -------------------------------------------------------------- */

/* rtime, as Linux's fs/jffs2 describes it: pairs of a byte and a count;
   the byte is written, then count bytes copied from where that byte
   value was last written, one by one (the runs may overlap). */
static bool rtime(const uint8_t *in, size_t in_len, uint8_t *out,
                  size_t out_len)
{
    size_t last[256] = {0};
    size_t o = 0, i = 0;

    while (o < out_len) {
        uint8_t value, count;
        size_t from;
        if (i + 2 > in_len)
            return false;
        value = in[i];
        count = in[i + 1];
        i += 2;
        out[o++] = value;
        from = last[value];
        last[value] = o;
        if (count > out_len - o)
            return false;
        for (unsigned k = 0; k < count; k++)
            out[o++] = out[from++];
    }
    return true;
}

/* zlib's stream format, or raw deflate when the two first bytes are not
   a zlib header (Linux takes both). */
static bool inflate_node(const uint8_t *in, size_t in_len, uint8_t *out,
                         size_t out_len)
{
    z_stream z;
    bool header = in_len >= 2 && (in[0] & 0x0F) == Z_DEFLATED &&
                  ((unsigned)in[0] << 8 | in[1]) % 31 == 0;
    int rc;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, header ? 15 : -15) != Z_OK)
        return false;
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)in_len;
    z.next_out = out;
    z.avail_out = (uInt)out_len;
    rc = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    return (rc == Z_STREAM_END || rc == Z_OK || rc == Z_BUF_ERROR) &&
           z.avail_out == 0;
}

static pthread_once_t lzo_once = PTHREAD_ONCE_INIT;

static void lzo_start(void)
{
    (void)lzo_init();
}

static bool lzo_node(const uint8_t *in, size_t in_len, uint8_t *out,
                     size_t out_len)
{
    lzo_uint n = out_len;

    pthread_once(&lzo_once, lzo_start);
    return lzo1x_decompress_safe(in, in_len, out, &n, NULL) == LZO_E_OK &&
           n == out_len;
}

/* Raw LZMA1 without a header: lc=0, lp=0, pb=0, 8 KiB dictionary. */
static bool lzma_node(const uint8_t *in, size_t in_len, uint8_t *out,
                      size_t out_len)
{
    lzma_options_lzma opt;
    lzma_filter filters[2];
    lzma_stream z = LZMA_STREAM_INIT;
    lzma_ret rc;

    memset(&opt, 0, sizeof(opt));
    opt.dict_size = LZMA_DICT;
    opt.lc = 0;
    opt.lp = 0;
    opt.pb = 0;
    filters[0].id = LZMA_FILTER_LZMA1;
    filters[0].options = &opt;
    filters[1].id = LZMA_VLI_UNKNOWN;
    filters[1].options = NULL;
    if (lzma_raw_decoder(&z, filters) != LZMA_OK)
        return false;
    z.next_in = in;
    z.avail_in = in_len;
    z.next_out = out;
    z.avail_out = out_len;
    do
        rc = lzma_code(&z, LZMA_RUN);
    while (rc == LZMA_OK && z.avail_out > 0 && z.avail_in > 0);
    lzma_end(&z);
    return (rc == LZMA_OK || rc == LZMA_STREAM_END) && z.avail_out == 0;
}

static const char *compr_name(uint8_t c)
{
    switch (c) {
    case C_RUBINMIPS: return "rubinmips";
    case C_COPY: return "copy";
    case C_DYNRUBIN: return "dynrubin";
    default: return "unknown";
    }
}

/* The data of node n into s->node_data (zero nodes need none): NULL, or
   why not. */
static const char *decode(struct reader *s, const struct inode_node *n,
                          char *why)
{
    uint32_t csize = get32(s, n->pos + I_CSIZE);
    uint32_t crc = get32(s, n->pos + I_DATA_CRC);
    uint8_t compr = 0;
    const uint8_t *in;
    bool ok;

    bytes_u8(s->b, n->pos + I_COMPR, &compr);
    if (compr == C_ZERO || s->cached == n->pos + 1)
        return NULL;
    s->cached = 0;
    /* The scan checked that csize bytes follow the header. */
    in = s->b.p + n->pos + INODE_LEN;
    if (jcrc(in, csize) != crc) {
        snprintf(why, MSG_LEN, "data CRC of the node at offset %" PRIu64,
                 n->pos);
        return why;
    }
    switch (compr) {
    case C_NONE:
        ok = csize >= n->dsize;
        if (ok)
            memcpy(s->node_data, in, n->dsize);
        break;
    case C_RTIME: ok = rtime(in, csize, s->node_data, n->dsize); break;
    case C_ZLIB: ok = inflate_node(in, csize, s->node_data, n->dsize); break;
    case C_LZO: ok = lzo_node(in, csize, s->node_data, n->dsize); break;
    case C_LZMA: ok = lzma_node(in, csize, s->node_data, n->dsize); break;
    default:
        snprintf(why, MSG_LEN,
                 "node at offset %" PRIu64 " compressed with %s (%u): not "
                 "read",
                 n->pos, compr_name(compr), (unsigned)compr);
        return why;
    }
    if (!ok) {
        snprintf(why, MSG_LEN, "corrupt compressed node at offset %" PRIu64,
                 n->pos);
        return why;
    }
    s->cached = n->pos + 1;
    return NULL;
}

static const struct inode_node *node_of(const struct reader *s, size_t i)
{
    return i < s->n_nodes ? &s->nodes[i] : &s->bigs[i - s->n_nodes];
}

static int newer_first(const void *x, const void *y, void *ctx)
{
    const struct inode_node *a = node_of(ctx, *(const size_t *)x);
    const struct inode_node *b = node_of(ctx, *(const size_t *)y);

    return a->version > b->version ? -1 : a->version < b->version;
}

static bool add_cand(struct reader *s, size_t *n, size_t idx)
{
    if (*n == s->cap_cand) {
        size_t cap = s->cap_cand ? s->cap_cand * 2 : 64;
        size_t *c = mem_realloc_array(s->cand, cap, sizeof(*c));
        if (c == NULL)
            return false;
        s->cand = c;
        s->cap_cand = cap;
    }
    s->cand[(*n)++] = idx;
    return true;
}

static bool covers(const struct inode_node *nd, uint64_t at)
{
    return nd->dsize > 0 && (uint64_t)nd->offset + nd->dsize > at &&
           nd->offset < at + PAGE;
}

/* The nodes of f that cover part of [at, at + PAGE), in s->cand (indexes:
   nodes, then bigs after s->n_nodes); their count, SIZE_MAX when out of
   memory. A node but a big one holds at most a page: those that reach
   the page start less than a page before it. */
static size_t candidates(struct reader *s, const struct file *f, uint64_t at)
{
    size_t lo = f->first, hi = f->first + f->n, n = 0;
    uint64_t from = at >= PAGE ? at - PAGE + 1 : 0;

    while (lo < hi) { /* the first node at or after from */
        size_t mid = lo + (hi - lo) / 2;
        if (s->nodes[mid].offset < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < f->first + f->n; i++) {
        if (s->nodes[i].offset >= at + PAGE)
            break;
        if (covers(&s->nodes[i], at) && !add_cand(s, &n, i))
            return SIZE_MAX;
    }
    for (size_t i = f->big_first; i < f->big_first + f->n_big; i++)
        if (covers(&s->bigs[i], at) && !add_cand(s, &n, s->n_nodes + i))
            return SIZE_MAX;
    return n;
}

/* The page of f at offset at: want bytes into s->page, the newest node's
   byte wherever nodes overlap, zeros where none is. NULL, or why not. */
static const char *assemble(struct reader *s, const struct file *f,
                            uint64_t at, size_t want, char *why)
{
    size_t n = candidates(s, f, at), left = want;

    if (n == SIZE_MAX) {
        snprintf(why, MSG_LEN, "out of memory");
        return why;
    }
    memset(s->page, 0, PAGE);
    memset(s->covered, 0, PAGE);
    if (n > 1)
        qsort_r(s->cand, n, sizeof(*s->cand), newer_first, s);
    for (size_t i = 0; i < n && left > 0; i++) {
        const struct inode_node *nd = node_of(s, s->cand[i]);
        uint64_t lo = nd->offset > at ? nd->offset - at : 0;
        uint64_t hi = (uint64_t)nd->offset + nd->dsize - at;
        uint8_t compr = 0;
        const char *err;
        if (hi > want)
            hi = want;
        if (lo >= hi || memchr(s->covered + lo, 0, hi - lo) == NULL)
            continue; /* newer nodes cover it */
        if ((err = decode(s, nd, why)) != NULL)
            return err;
        bytes_u8(s->b, nd->pos + I_COMPR, &compr);
        for (uint64_t j = lo; j < hi; j++) {
            if (s->covered[j])
                continue;
            s->covered[j] = 1;
            left--;
            if (compr != C_ZERO)
                s->page[j] = s->node_data[j + at - nd->offset];
        }
    }
    return NULL;
}

/* ---- entries ----------------------------------------------------------- */

static enum unpack_result read_link(struct reader *s, const struct file *f)
{
    char why[MSG_LEN];
    const char *err;

    if (f->size > PAGE) {
        snprintf(s->msg, MSG_LEN, "symbolic link longer than %u bytes: /%s",
                 PAGE, fstree_path(&s->tree));
        return UNPACK_FAILED;
    }
    if ((err = assemble(s, f, 0, f->size, why)) != NULL) {
        snprintf(s->msg, MSG_LEN, "symbolic link: %s: /%s", err,
                 fstree_path(&s->tree));
        return UNPACK_FAILED;
    }
    if ((s->link = mem_alloc(f->size + 1)) == NULL)
        return UNPACK_NOMEM;
    memcpy(s->link, s->page, f->size);
    s->link[f->size] = '\0';
    return UNPACK_OK;
}

static enum unpack_result entry(struct reader *s, uint32_t ino,
                                struct unpack_entry *e)
{
    const struct file *f = file_of(s, ino);
    const char *first;

    if (f == NULL) {
        snprintf(s->msg, MSG_LEN,
                 "directory entry for inode %" PRIu32
                 ", which has no node: /%s",
                 ino, fstree_path(&s->tree));
        return UNPACK_FAILED;
    }
    memset(e, 0, sizeof(*e));
    e->path = fstree_path(&s->tree);
    e->kind = unpack_kind_of_mode(f->mode);
    e->mode = f->mode & 07777;
    e->uid = f->uid;
    e->gid = f->gid;
    if (e->kind == UNPACK_DIR) {
        enum fstree_status st = enter(s, ino);
        if (st == FSTREE_NOMEM)
            return UNPACK_NOMEM;
        if (st != FSTREE_OK)
            fstree_warn(s->warning, MSG_LEN, "%s: /%s", fstree_status_str(st),
                        e->path);
        return UNPACK_OK;
    }
    if (f->n_names > 1 && (first = fstree_link(&s->tree, ino)) != NULL) {
        e->kind = UNPACK_HARDLINK;
        e->link = first;
        return UNPACK_OK;
    }
    if (e->kind == UNPACK_SYMLINK) {
        enum unpack_result rc = read_link(s, f);
        e->link = s->link;
        return rc;
    }
    if (e->kind == UNPACK_REGULAR) {
        s->cur = f;
        e->size = f->size;
    }
    return UNPACK_OK;
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct reader *s = state;

    s->cur = NULL;
    s->pos = 0;
    s->page_len = s->page_given = 0;
    s->failed_file = false;
    mem_free(s->link);
    s->link = NULL;
    if (s->warning[0] != '\0') {
        memcpy(s->msg, s->warning, MSG_LEN);
        s->warning[0] = '\0';
        return UNPACK_FAILED;
    }
    for (;;) {
        struct fstree_dir *d = fstree_top(&s->tree);
        struct cursor *c;
        const struct dirent *de;
        enum fstree_status st;

        if (d == NULL)
            return UNPACK_END;
        c = d->cursor;
        if (c->i >= c->end) {
            mem_free(fstree_pop(&s->tree));
            continue;
        }
        de = &s->dirents[c->i++];
        st = fstree_name(&s->tree, (const char *)de->name, de->nsize);
        if (st == FSTREE_NOMEM)
            return UNPACK_NOMEM;
        if (st != FSTREE_OK) {
            snprintf(s->msg, MSG_LEN, "%s: /%s", fstree_status_str(st),
                     d->path);
            return UNPACK_FAILED;
        }
        return entry(s, de->ino, e);
    }
}

/* The current file from where the last call stopped, a page at a time. */
static void read_data(void *state, struct unpack_sink *sink)
{
    struct reader *s = state;
    const struct file *f = s->cur;
    char why[MSG_LEN];

    if (f == NULL || s->failed_file)
        return;
    for (;;) {
        if (s->page_given == s->page_len) {
            const char *err;
            size_t want;
            if (s->pos >= f->size)
                return;
            want = f->size - s->pos < PAGE ? (size_t)(f->size - s->pos)
                                           : PAGE;
            if ((err = assemble(s, f, s->pos, want, why)) != NULL) {
                snprintf(s->msg, MSG_LEN, "data at offset %" PRIu64 ": %s",
                         s->pos, err);
                unpack_sink_fail(sink);
                s->failed_file = true;
                return;
            }
            s->page_len = want;
            s->page_given = 0;
            s->pos += want;
        }
        if (!unpack_sink_give(sink, s->page, s->page_len, &s->page_given))
            return;
    }
}

static void close_reader(void *state)
{
    struct reader *s = state;

    if (s == NULL)
        return;
    fstree_close(&s->tree, mem_free);
    map_fini(&s->by_ino);
    arena_fini(&s->keys);
    mem_free(s->nodes);
    mem_free(s->bigs);
    mem_free(s->dirents);
    mem_free(s->files);
    mem_free(s->cand);
    mem_free(s->link);
    mem_free(s);
}

static enum unpack_result open_image(const uint8_t *data, size_t len,
                                     void **out, char *msg, size_t msg_len)
{
    struct reader *s;
    uint16_t type;
    uint32_t totlen;

    (void)msg, (void)msg_len;
    if (len < HDR_LEN || !((data[0] == 0x85 && data[1] == 0x19) ||
                           (data[0] == 0x19 && data[1] == 0x85)))
        return UNPACK_NOT_CONTAINER;
    s = mem_calloc(1, sizeof(*s));
    if (s == NULL)
        return UNPACK_NOMEM;
    s->b = bytes_make(data, len);
    s->big = data[0] == 0x19;
    map_init(&s->by_ino);
    arena_init(&s->keys, 64u * 1024);
    fstree_init(&s->tree);
    if (!header_at(s, 0, &type, &totlen)) {
        close_reader(s);
        return UNPACK_NOT_CONTAINER;
    }
    if (!scan(s) || !index_files(s) ||
        (index_dirents(s), enter(s, ROOT_INO)) == FSTREE_NOMEM) {
        close_reader(s);
        return UNPACK_NOMEM;
    }
    *out = s;
    return UNPACK_OK;
}

static const char *error(const void *state)
{
    const struct reader *s = state;

    return s->msg[0] ? s->msg : "corrupt JFFS2 image";
}

static uint64_t extent(const void *state)
{
    return ((const struct reader *)state)->extent;
}

/* The first node's header's CRC held. */
static bool verified(const void *state)
{
    (void)state;
    return true;
}

/* A clean marker, a directory entry or an inode node, either byte order. */
static const struct unpack_magic magics[] = {
    {"\x85\x19\x03\x20", 4, 0}, {"\x85\x19\x01\xe0", 4, 0},
    {"\x85\x19\x02\xe0", 4, 0}, {"\x19\x85\x20\x03", 4, 0},
    {"\x19\x85\xe0\x01", 4, 0}, {"\x19\x85\xe0\x02", 4, 0},
};

const struct unpack_reader unpack_jffs2 = {
    .name = "jffs2",
    .magics = magics,
    .n_magics = sizeof(magics) / sizeof(magics[0]),
    .open = open_image,
    .close = close_reader,
    .next = next,
    .read = read_data,
    .error = error,
    .extent = extent,
    .verified = verified,
};
