/* archive.c - see archive.h. */
#include "unpack/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <inttypes.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/mem.h"
#include "unpack/stream.h"

#define CHUNK (64u * 1024)
#define FORMAT_MAX 256 /* "gzip+...+tar": libarchive stacks at most 25 */

struct reader {
    uint64_t end; /* where a zip or 7-Zip archive ends (known_end), or 0 */
    const uint8_t *data; /* what it was opened on */
    size_t len;
    double deadline;  /* of the last entry read (its sink's) */
    char bad_gzip[160]; /* why its gzip members are damaged, or "" */
    struct archive *ar;
    struct archive_entry *first; /* the header read by open, not yet given */
    int first_rc;
    bool given_first;
    bool any;         /* an entry was given */
    bool sparse;      /* the current entry has a sparse map */
    bool blocks;      /* read by blocks (read_blocks) */
    const uint8_t *pend; /* the rest of the last block, not yet given */
    size_t pend_len;
    uint64_t size, produced; /* its size, and the bytes given of it */
    char format[FORMAT_MAX];
};

/* libarchive's filter codes to short names; NULL for "none". */
static const char *filter_name(int code)
{
    switch (code) {
    case ARCHIVE_FILTER_GZIP: return "gzip";
    case ARCHIVE_FILTER_BZIP2: return "bzip2";
    case ARCHIVE_FILTER_COMPRESS: return "compress";
    case ARCHIVE_FILTER_LZMA: return "lzma";
    case ARCHIVE_FILTER_XZ: return "xz";
    case ARCHIVE_FILTER_UU: return "uu";
    case ARCHIVE_FILTER_RPM: return "rpm";
    case ARCHIVE_FILTER_LZIP: return "lzip";
    case ARCHIVE_FILTER_LZ4: return "lz4";
    case ARCHIVE_FILTER_ZSTD: return "zstd";
    case ARCHIVE_FILTER_NONE: return NULL;
    default: return "filter";
    }
}

/* libarchive's format families to short names; NULL for raw and empty. */
static const char *format_name(int code)
{
    switch (code & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_CPIO: return "cpio";
    case ARCHIVE_FORMAT_TAR: return "tar";
    case ARCHIVE_FORMAT_ISO9660: return "iso9660";
    case ARCHIVE_FORMAT_ZIP: return "zip";
    case ARCHIVE_FORMAT_AR: return "ar";
    case ARCHIVE_FORMAT_XAR: return "xar";
    case ARCHIVE_FORMAT_LHA: return "lha";
    case ARCHIVE_FORMAT_CAB: return "cab";
    case ARCHIVE_FORMAT_RAR: return "rar";
    case ARCHIVE_FORMAT_RAR_V5: return "rar5";
    case ARCHIVE_FORMAT_7ZIP: return "7zip";
    case ARCHIVE_FORMAT_WARC: return "warc";
    case ARCHIVE_FORMAT_RAW:
    case ARCHIVE_FORMAT_EMPTY: return NULL;
    default: return "archive";
    }
}

/* Every format and filter libarchive reads itself, nothing that touches
 * the disk or runs a program (see archive.h). */
static void support(struct archive *ar, bool raw_only)
{
    archive_read_support_filter_gzip(ar);
    archive_read_support_filter_bzip2(ar);
    archive_read_support_filter_compress(ar);
    archive_read_support_filter_lzma(ar);
    archive_read_support_filter_xz(ar);
    archive_read_support_filter_uu(ar);
    archive_read_support_filter_rpm(ar);
    archive_read_support_filter_lzip(ar);
    archive_read_support_filter_lz4(ar);
    archive_read_support_filter_zstd(ar);
    archive_read_support_format_raw(ar);
    if (raw_only)
        return;
    archive_read_support_format_7zip(ar);
    archive_read_support_format_ar(ar);
    archive_read_support_format_cab(ar);
    archive_read_support_format_cpio(ar);
    archive_read_support_format_empty(ar);
    archive_read_support_format_iso9660(ar);
    archive_read_support_format_lha(ar);
    archive_read_support_format_rar(ar);
    archive_read_support_format_rar5(ar);
    archive_read_support_format_tar(ar);
    archive_read_support_format_warc(ar);
    archive_read_support_format_xar(ar);
    archive_read_support_format_zip(ar);
}

/*
 * libarchive converts entry names to the current locale's character set
 * and gives no name at all for one it cannot convert: under the C locale,
 * a zip entry flagged UTF-8 with a non-ASCII name came out unnamed. So
 * headers are read in C.UTF-8, switched for this thread only (uselocale):
 * UTF-8 names come through as they are, other bytes are kept raw.
 */
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_locale;

static void make_utf8_locale(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* The next header, read in C.UTF-8 (the locale is unchanged without it). */
static int next_header(struct archive *ar, struct archive_entry **ae)
{
    locale_t old = (locale_t)0;
    int rc;

    pthread_once(&utf8_once, make_utf8_locale);
    if (utf8_locale != (locale_t)0)
        old = uselocale(utf8_locale);
    rc = archive_read_next_header(ar, ae);
    if (utf8_locale != (locale_t)0)
        uselocale(old);
    return rc;
}

static void copy_message(struct archive *ar, char *msg, size_t msg_len)
{
    const char *s = archive_error_string(ar);

    if (msg_len > 0)
        snprintf(msg, msg_len, "%s", s != NULL ? s : "unreadable container");
}

/* Fills a->format from the filters (outermost first) and the format. */
static void name_format(struct reader *a)
{
    size_t used = 0;
    const char *fmt = format_name(archive_format(a->ar));

    a->format[0] = '\0';
    for (int i = archive_filter_count(a->ar) - 1; i >= 0; i--) {
        const char *f = filter_name(archive_filter_code(a->ar, i));
        if (f != NULL)
            used += (size_t)snprintf(a->format + used, FORMAT_MAX - used,
                                     "%s%s", used ? "+" : "", f);
        if (used >= FORMAT_MAX)
            return;
    }
    if (fmt != NULL)
        snprintf(a->format + used, FORMAT_MAX - used, "%s%s", used ? "+" : "",
                 fmt);
}


static void close_reader(void *state)
{
    struct reader *a = state;

    if (a == NULL)
        return;
    archive_read_free(a->ar);
    mem_free(a);
}

/* Filters other than "none" in the stream. */
static unsigned n_filters(const struct reader *a)
{
    unsigned n = 0;

    for (int i = archive_filter_count(a->ar) - 1; i >= 0; i--)
        n += archive_filter_code(a->ar, i) != ARCHIVE_FILTER_NONE;
    return n;
}

/* The filter reading the data itself, or ARCHIVE_FILTER_NONE. */
static int outer_filter(const struct reader *a)
{
    for (int i = archive_filter_count(a->ar) - 1; i >= 0; i--) {
        int code = archive_filter_code(a->ar, i);
        if (code != ARCHIVE_FILTER_NONE)
            return code;
    }
    return ARCHIVE_FILTER_NONE;
}

static bool is_raw(const struct reader *a)
{
    return (archive_format(a->ar) & ARCHIVE_FORMAT_BASE_MASK) ==
           ARCHIVE_FORMAT_RAW;
}

/*
 * libarchive reads self-extracting archives: a zip, 7-Zip, RAR, CAB or LHA
 * archive after an executable stub or other data, which it skips. Here a
 * container starts where its data starts, and one found later in a file
 * is carving's (carve.h), with its offset: these formats are taken only
 * when their own signature is at the start.
 */
static bool starts_with_magic(const struct reader *a, const uint8_t *data,
                              size_t len)
{
    static const struct {
        int format;
        const char *magic;
        size_t at, len;
    } sfx[] = {
        {ARCHIVE_FORMAT_ZIP, "PK", 0, 2},
        {ARCHIVE_FORMAT_7ZIP, "7z\xbc\xaf\x27\x1c", 0, 6},
        {ARCHIVE_FORMAT_RAR, "Rar!\x1a\x07", 0, 6},
        {ARCHIVE_FORMAT_RAR_V5, "Rar!\x1a\x07", 0, 6},
        {ARCHIVE_FORMAT_CAB, "MSCF", 0, 4},
        {ARCHIVE_FORMAT_LHA, "-l", 2, 2},
    };
    int format = archive_format(a->ar) & ARCHIVE_FORMAT_BASE_MASK;

    for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
        if (sfx[i].format != format)
            continue;
        return len >= sfx[i].at + sfx[i].len &&
               memcmp(data + sfx[i].at, sfx[i].magic, sfx[i].len) == 0;
    }
    return true;
}

/*
 * Where a zip or 7-Zip archive that starts data ends, or 0 when data is
 * neither or its end cannot be found. Their index comes after the entries
 * and libarchive finds it from the end of the data: opened on data with
 * more after it (a carved archive), it reads a zip as a stream of local
 * headers, which lack the modes and symbolic links of the central
 * directory. A zip ends with its end of central directory record
 * (APPNOTE.TXT 4.3.16: "PK\5\6", 22 bytes and a comment) whose central
 * directory (offset and size) ends right before it and starts with
 * "PK\1\2": the first such record (a stored zip inside has its own,
 * whose offsets do not fit). Zip64 records give 0xFFFFFFFF there and are
 * taken as they are found, with the zip64 end locator before them. A
 * 7-Zip archive ends with the next header its 32-byte signature header
 * points at (7zFormat.txt).
 */
static uint64_t known_end(const uint8_t *data, size_t len)
{
    struct bytes b = bytes_make(data, len);
    uint64_t off, size, end;

    if (len >= 32 && memcmp(data, "7z\xbc\xaf\x27\x1c", 6) == 0) {
        if (bytes_u64le(b, 12, &off) && bytes_u64le(b, 20, &size) &&
            !__builtin_add_overflow(off, size, &end) &&
            !__builtin_add_overflow(end, 32, &end) && end <= len)
            return end;
        return 0;
    }
    if (len < 22 || memcmp(data, "PK\3\4", 4) != 0)
        return 0;
    for (const uint8_t *p = data;
         (p = memmem(p, len - (size_t)(p - data), "PK\5\6", 4)) != NULL;
         p++) {
        uint64_t at = (uint64_t)(p - data);
        uint32_t cd_size, cd_off;
        uint16_t comment;
        if (!bytes_u32le(b, at + 12, &cd_size) ||
            !bytes_u32le(b, at + 16, &cd_off) ||
            !bytes_u16le(b, at + 20, &comment))
            return 0;
        end = at + 22 + comment;
        if (end > len)
            continue;
        if (cd_off == UINT32_MAX || cd_size == UINT32_MAX) {
            if (at >= 20 && memcmp(p - 20, "PK\6\7", 4) == 0)
                return end;
            continue;
        }
        if ((uint64_t)cd_off + cd_size == at &&
            (cd_size == 0 || (bytes_has(b, cd_off, 4) &&
                              memcmp(data + cd_off, "PK\1\2", 4) == 0)))
            return end;
    }
    return 0;
}

static enum unpack_result open_as(const uint8_t *data, size_t len,
                                  bool raw_only, void **out, char *msg,
                                  size_t msg_len)
{
    struct reader *a;
    int rc;

    if (len == 0)
        return UNPACK_NOT_CONTAINER;
    a = mem_calloc(1, sizeof(*a));
    if (a == NULL || (a->ar = archive_read_new()) == NULL) {
        mem_free(a);
        return UNPACK_NOMEM;
    }
    a->end = raw_only ? 0 : known_end(data, len);
    if (a->end > 0)
        len = (size_t)a->end;
    a->data = data;
    a->len = len;
    support(a->ar, raw_only);
    rc = archive_read_open_memory(a->ar, data, len);
    if (rc != ARCHIVE_OK) {
        /* libarchive stacks at most 25 filters ("Input requires too many
           filters for decoding"): a nesting deeper than that. */
        const char *s = archive_error_string(a->ar);
        bool deep = s != NULL && strstr(s, "too many filters") != NULL;
        copy_message(a->ar, msg, msg_len);
        close_reader(a);
        return deep ? UNPACK_TOO_DEEP : UNPACK_FATAL;
    }
    /* The format is known only once a header is read. Plain data is
       libarchive's raw format without a filter: not a container. */
    a->first_rc = next_header(a->ar, &a->first);
    if (n_filters(a) == 0 &&
        ((archive_format(a->ar) & ARCHIVE_FORMAT_BASE_MASK) ==
             ARCHIVE_FORMAT_RAW ||
         (archive_format(a->ar) & ARCHIVE_FORMAT_BASE_MASK) ==
             ARCHIVE_FORMAT_EMPTY ||
         archive_format(a->ar) == 0)) {
        close_reader(a);
        return UNPACK_NOT_CONTAINER;
    }
    if (n_filters(a) == 0 && !starts_with_magic(a, data, len)) {
        close_reader(a);
        return UNPACK_NOT_CONTAINER;
    }
    /* A gzip stream holding no archive is stream.c's (next in the table),
       which checks each member's CRC-32 and size. */
    if (is_raw(a) && outer_filter(a) == ARCHIVE_FILTER_GZIP) {
        close_reader(a);
        return UNPACK_NOT_CONTAINER;
    }
    name_format(a);
    *out = a;
    return UNPACK_OK;
}

static enum unpack_result open_any(const uint8_t *data, size_t len,
                                   void **out, char *msg, size_t msg_len)
{
    return open_as(data, len, false, out, msg, msg_len);
}

static enum unpack_result open_raw(const uint8_t *data, size_t len,
                                   void **out, char *msg, size_t msg_len)
{
    return open_as(data, len, true, out, msg, msg_len);
}

static const char *format(const void *state)
{
    const struct reader *a = state;

    return a->format;
}

/* Each filter is a level, and so is the archive format. */
static unsigned levels(const void *state)
{
    const struct reader *a = state;

    return n_filters(a) + !is_raw(a);
}

static const char *error(const void *state)
{
    const struct reader *a = state;
    const char *s = archive_error_string(a->ar);

    if (a->bad_gzip[0] != '\0')
        return a->bad_gzip;
    return s != NULL ? s : "unreadable container";
}

static enum unpack_kind entry_kind(struct archive_entry *ae)
{
    if (archive_entry_hardlink(ae) != NULL)
        return UNPACK_HARDLINK;
    switch (archive_entry_filetype(ae)) {
    case AE_IFREG: return UNPACK_REGULAR;
    case AE_IFDIR: return UNPACK_DIR;
    case AE_IFLNK: return UNPACK_SYMLINK;
    case AE_IFCHR: return UNPACK_CHARDEV;
    case AE_IFBLK: return UNPACK_BLOCKDEV;
    case AE_IFIFO: return UNPACK_FIFO;
    case AE_IFSOCK: return UNPACK_SOCKET;
    default: return UNPACK_OTHER;
    }
}

/*
 * libarchive's gzip filter checks neither the CRC-32 nor the size in a
 * member's trailer (RFC 1952, 2.3.1): a damaged byte in a .tar.gz went
 * unnoticed. Once an archive under gzip was read to its end (the
 * inflation done twice, within the limits the first one kept), its gzip
 * members are read again by stream.c, which checks them, keeping none of
 * the bytes, within the deadline of the entries read (past it, the check
 * is left). False, with the reason in bad_gzip, when one is damaged.
 */
static bool gzip_intact(struct reader *a)
{
    la_int64_t used = archive_filter_bytes(a->ar, -1);
    uint64_t pos = 0, end = used > 0 ? (uint64_t)used : 0;

    /* Without entries, the data is read again as a stream (fallback),
       which checks it. */
    if (!a->any || outer_filter(a) != ARCHIVE_FILTER_GZIP || end > a->len)
        return true;
    while (pos < end) {
        struct unpack_sink sink;
        struct unpack_entry e;
        void *st;
        char msg[64];
        uint64_t n;
        /* Opened on the rest of the data: libarchive may stop short of
           the last member's trailer (the archive's end came first). */
        enum unpack_result r = unpack_stream.open(
            a->data + pos, a->len - (size_t)pos, &st, msg, sizeof(msg));
        if (r != UNPACK_OK)
            return true; /* what follows the members is not gzip's */
        unpack_sink_init(&sink, 0, UINT64_MAX, a->deadline);
        sink.drain = true;
        if (unpack_stream.next(st, &e) == UNPACK_OK)
            unpack_stream.read(st, &sink);
        if (sink.stop == UNPACK_STOP_ERROR)
            snprintf(a->bad_gzip, sizeof(a->bad_gzip),
                     "gzip member at %" PRIu64 ": %s", pos,
                     unpack_stream.error(st));
        n = unpack_stream.extent(st);
        unpack_stream.close(st);
        if (a->bad_gzip[0] != '\0')
            return false;
        if (n == 0)
            return true; /* out of time, or no end: left unchecked */
        pos += n;
    }
    return true;
}

static enum unpack_result next(void *state, struct unpack_entry *e)
{
    struct reader *a = state;
    struct archive_entry *ae = a->first;
    int rc = a->first_rc;

    if (a->given_first)
        rc = next_header(a->ar, &ae);
    a->given_first = true;
    if (rc == ARCHIVE_EOF)
        return gzip_intact(a) ? UNPACK_END : UNPACK_FATAL;
    if (rc == ARCHIVE_FATAL)
        return UNPACK_FATAL;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
        return UNPACK_FAILED;
    memset(e, 0, sizeof(*e));
    a->any = true;
    a->produced = 0;
    a->size = archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0
                  ? (uint64_t)archive_entry_size(ae)
                  : 0;
    a->sparse = archive_entry_sparse_count(ae) > 0;
    a->blocks = archive_format(a->ar) == ARCHIVE_FORMAT_XAR;
    a->pend_len = 0;
    e->unnamed = is_raw(a);
    e->path = archive_entry_pathname(ae);
    if (e->path == NULL)
        e->path = "";
    e->kind = entry_kind(ae);
    e->mode = (uint32_t)archive_entry_perm(ae) & 07777;
    e->uid = archive_entry_uid(ae);
    e->gid = archive_entry_gid(ae);
    e->size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1;
    if (e->kind == UNPACK_HARDLINK)
        e->link = archive_entry_hardlink(ae);
    else if (e->kind == UNPACK_SYMLINK)
        e->link = archive_entry_symlink(ae);
    if (e->link == NULL && (e->kind == UNPACK_SYMLINK))
        e->link = "";
    return UNPACK_OK;
}

/*
 * A sparse file's hole at its end, when its map has no data after the
 * hole (a file of holes only, as GNU tar -S and pax write it): libarchive's
 * archive_read_data ends the entry there, without the zeros it gives for
 * holes before data, and a 64 GiB file read as 0 bytes. The zeros are
 * written here, up to the entry's size, into the sink like any data (so
 * the limits hold).
 */
static void trailing_hole(struct reader *a, struct unpack_sink *sink)
{
    while (a->produced < a->size) {
        size_t room;
        uint8_t *to = unpack_sink_reserve(sink, CHUNK, &room);
        if (to == NULL)
            return;
        if (room > a->size - a->produced)
            room = (size_t)(a->size - a->produced);
        memset(to, 0, room);
        unpack_sink_commit(sink, room);
        a->produced += room;
    }
}

/*
 * xar: libarchive 3.6.2's xar reader gives, with the end of an entry, the
 * offset where everything read so far in the archive ends, and
 * archive_read_data pads each entry after the first with as many zeros as
 * the entries before it held (bsdtar -x, which writes blocks at their
 * offsets, is not hurt). Its blocks are given in order instead, their
 * offsets ignored: a xar file has no holes (tests/audit/specbuild.py).
 */
static void read_blocks(struct reader *a, struct unpack_sink *sink)
{
    for (;;) {
        const void *buf;
        size_t size, given = 0;
        la_int64_t offset;
        int rc;
        if (a->pend_len > 0) {
            bool all = unpack_sink_give(sink, a->pend, a->pend_len, &given);
            a->pend += given;
            a->pend_len -= given;
            a->produced += given;
            if (!all)
                return;
        }
        rc = archive_read_data_block(a->ar, &buf, &size, &offset);
        if (rc == ARCHIVE_EOF)
            return;
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
            unpack_sink_fail(sink);
            return;
        }
        a->pend = buf;
        a->pend_len = size;
    }
}

static void read_data(void *state, struct unpack_sink *sink)
{
    struct reader *a = state;

    a->deadline = sink->deadline;
    if (a->blocks) {
        read_blocks(a, sink);
        return;
    }
    for (;;) {
        size_t room;
        uint8_t *to = unpack_sink_reserve(sink, CHUNK, &room);
        la_ssize_t got;
        if (to == NULL)
            return;
        got = archive_read_data(a->ar, to, room);
        if (got < 0) {
            unpack_sink_fail(sink);
            return;
        }
        if (got == 0) {
            if (a->sparse)
                trailing_hole(a, sink);
            return;
        }
        unpack_sink_commit(sink, (size_t)got);
        a->produced += (uint64_t)got;
    }
}

/* A compressed stream read as an archive without entries is read again
   as a plain stream. */
static const struct unpack_reader *fallback(const void *state)
{
    const struct reader *a = state;

    if (outer_filter(a) == ARCHIVE_FILTER_GZIP && !is_raw(a))
        return &unpack_stream;
    return n_filters(a) > 0 && !is_raw(a) ? &unpack_libarchive_raw : NULL;
}

/*
 * RAR 5: libarchive stops counting within the end of archive header, a
 * byte or a few short of its end. The header (RAR 5.0 technote: CRC32 of
 * what follows, size 3, type 5, flags 0, end of archive flags) is looked
 * for around where it stopped, and the archive ends after it.
 */
static uint64_t rar5_end(const struct reader *a, uint64_t n)
{
    struct bytes b = bytes_make(a->data, a->len);
    uint64_t from = n > 16 ? n - 16 : 0;

    for (uint64_t p = from; p <= n + 8; p++) {
        struct bytes h;
        uint32_t crc;
        if (!bytes_slice(b, p, 8, &h) || !bytes_u32le(h, 0, &crc))
            break;
        if (h.p[4] == 3 && h.p[5] == 5 && (h.p[7] & ~1u) == 0 &&
            crc32(0, h.p + 4, 4) == crc)
            return p + 8;
    }
    return n;
}

/* The bytes the container took: what libarchive consumed of the data,
   or the end known_end found before it was opened. After a failure that
   count may run past the damage into what follows (a tar member's size
   taking the next file's bytes): it is kept all the same, since carving
   on inside a damaged archive let overlapping local headers (Fifield's
   zip) be opened again and again, one level inside the other. */
static uint64_t extent(const void *state)
{
    const struct reader *a = state;
    la_int64_t n = archive_filter_bytes(a->ar, -1);

    if (a->end > 0)
        return a->end;
    if (n > 0 && archive_format(a->ar) == ARCHIVE_FORMAT_RAR_V5 &&
        n_filters(a) == 0)
        return rar5_end(a, (uint64_t)n);
    return n > 0 ? (uint64_t)n : 0;
}

/*
 * Where carving looks for the formats libarchive reads: the magic numbers
 * of their specifications (lzip; compress; POSIX ustar at 257; cpio odc and newc;
 * ISO 9660's "CD001" in the first volume descriptor at 32769; ZIP
 * APPNOTE's local header; 7-Zip's signature header; RAR 4 and 5; CAB's
 * "MSCF"; XAR; LHA's method id at 2; RPM's lead; WARC; ar). Streams of
 * gzip, xz, lzma, bzip2, zstd and LZ4 inside other data are stream.c's,
 * which knows where they end.
 */
#define M(s, at) {s, sizeof(s) - 1, at}
static const struct unpack_magic magics[] = {
    M("LZIP", 0),
    M("\x1f\x9d", 0),
    M("ustar", 257),
    M("070701", 0), M("070702", 0), M("070707", 0),
    M("CD001", 32769),
    M("PK\x03\x04", 0),
    M("7z\xbc\xaf\x27\x1c", 0),
    M("Rar!\x1a\x07", 0),
    M("MSCF\x00\x00\x00\x00", 0),
    M("xar!", 0),
    M("-lh", 2),
    M("\xed\xab\xee\xdb", 0),
    M("WARC/", 0),
    M("!<arch>\n", 0),
};
#undef M

const struct unpack_reader unpack_libarchive_raw = {
    .name = "libarchive-raw",
    .open = open_raw,
    .close = close_reader,
    .next = next,
    .read = read_data,
    .error = error,
    .format = format,
    .levels = levels,
    .extent = extent,
};

const struct unpack_reader unpack_libarchive = {
    .name = "libarchive",
    .open = open_any,
    .close = close_reader,
    .next = next,
    .read = read_data,
    .error = error,
    .format = format,
    .levels = levels,
    .fallback = fallback,
    .extent = extent,
    .magics = magics,
    .n_magics = sizeof(magics) / sizeof(magics[0]),
};
