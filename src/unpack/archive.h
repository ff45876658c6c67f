/*
 * archive.h - containers read through libarchive, from memory only.
 *
 * The formats are libarchive's (tar, cpio, zip, 7-Zip, ar, ISO 9660, RAR,
 * CAB, LHA, XAR, WARC) under any stack of the filters it decodes itself
 * (gzip, bzip2, compress, lzma, xz, lzip, lz4, zstd, uu, rpm). Left out on
 * purpose: mtree, whose reader opens the files an entry names on the
 * local disk, and the filters Debian's libarchive decodes by running an
 * external program (lzop, lrzip, grzip). A compressed stream that is not
 * an archive is a container too, with one entry without a name (the
 * "raw" format).
 *
 * Nothing is written anywhere: entries are read into memory buffers that
 * the caller owns. An unpack_archive borrows the data it was opened on,
 * which must outlive it; entry strings are valid until the next call of
 * unpack_archive_next or unpack_archive_close.
 */
#ifndef CANDOR_UNPACK_ARCHIVE_H
#define CANDOR_UNPACK_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct unpack_archive;

enum unpack_result {
    UNPACK_OK,
    UNPACK_END,           /* no more entries */
    UNPACK_NOT_CONTAINER, /* unpack_archive_open: not a container */
    UNPACK_TOO_DEEP,      /* more stacked filters than libarchive takes */
    UNPACK_FAILED,        /* this entry failed; the next may be read */
    UNPACK_FATAL,         /* the container cannot be read further */
    UNPACK_NOMEM,
};

enum unpack_kind {
    UNPACK_REGULAR,
    UNPACK_DIR,
    UNPACK_SYMLINK,
    UNPACK_HARDLINK,
    UNPACK_CHARDEV,
    UNPACK_BLOCKDEV,
    UNPACK_FIFO,
    UNPACK_SOCKET,
    UNPACK_OTHER,
};

struct unpack_entry {
    const char *path; /* as stored ("" when there is none) */
    enum unpack_kind kind;
    uint32_t mode; /* permission bits with setuid, setgid, sticky */
    int64_t uid, gid;
    int64_t size;     /* declared size, -1 when the header has none */
    const char *link; /* symlink or hard link target, else NULL */
};

/* Why unpack_archive_read stopped before the end of the entry. */
enum unpack_stop {
    UNPACK_STOP_NONE,  /* the whole entry was read */
    UNPACK_STOP_SIZE,  /* max_bytes were read and more remained */
    UNPACK_STOP_RATIO, /* the entry grew past max_ratio_bytes */
    UNPACK_STOP_TIME,  /* the deadline passed */
    UNPACK_STOP_ERROR, /* the data is corrupt (see unpack_archive_error) */
    UNPACK_STOP_NOMEM,
};

/*
 * Opens data as a container. UNPACK_OK sets *out; UNPACK_NOT_CONTAINER
 * when the data is no container libarchive reads; UNPACK_TOO_DEEP or
 * UNPACK_FATAL (with message in msg, NUL-terminated, cut to msg_len) when
 * it is one but cannot be opened.
 */
enum unpack_result unpack_archive_open(const uint8_t *data, size_t len,
                                       struct unpack_archive **out, char *msg,
                                       size_t msg_len);
/*
 * Opens data as a compressed stream only (the raw format under its
 * filters), whatever archive the stream holds: for a stream that read as
 * an archive without any entry (libarchive takes a stream of zeros for an
 * empty tar), so that its bytes are still scanned.
 */
enum unpack_result unpack_archive_open_raw(const uint8_t *data, size_t len,
                                           struct unpack_archive **out,
                                           char *msg, size_t msg_len);
void unpack_archive_close(struct unpack_archive *a);

/*
 * The container's FORMAT for virtual paths: the filters outermost first,
 * then the format, joined by '+' ("gzip+tar", "zip", "xz"). Open reads
 * the first header to know it (and gives that header with the first call
 * of unpack_archive_next).
 */
const char *unpack_archive_format(const struct unpack_archive *a);
/* Number of filters (0 for a plain archive). */
unsigned unpack_archive_filters(const struct unpack_archive *a);
/* Whether the container is a compressed stream, whose one entry has no name. */
bool unpack_archive_is_raw(const struct unpack_archive *a);
/* libarchive's last message, never NULL. */
const char *unpack_archive_error(const struct unpack_archive *a);

/* The next entry's header: UNPACK_OK, UNPACK_END, _FAILED or _FATAL. */
enum unpack_result unpack_archive_next(struct unpack_archive *a,
                                       struct unpack_entry *e);

/*
 * Reads the current entry's data into a new buffer (*data, free with
 * mem_free; NULL when empty), at most max_bytes of it, stopping early when
 * it grows past max_ratio_bytes or when deadline (a CLOCK_MONOTONIC time
 * in seconds; 0: none) passes. *stop says why it stopped.
 */
void unpack_archive_read(struct unpack_archive *a, uint64_t max_bytes,
                         uint64_t max_ratio_bytes, double deadline,
                         uint8_t **data, size_t *len, enum unpack_stop *stop);

/* A CLOCK_MONOTONIC time in seconds, for deadlines. */
double unpack_now(void);

#endif
