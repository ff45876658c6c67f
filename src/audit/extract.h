/*
 * extract.h - `candor audit --extract DIR`: every file unpacked, at every
 * level, written under DIR for inspection, with a manifest
 * (docs/audit.md, "Extracting").
 *
 * Layout: a file whose data opens as a container gets a directory
 * NAME.extracted beside it (a product: DIR/BASENAME.extracted; the
 * product itself is not copied), holding one directory per container
 * format read from that data ("gzip+tar"), which holds the container's
 * entries under their sanitised paths (extract_sanitise). So
 * fw.tar.gz!gzip+tar!/opt/a.zip!zip!/bin/x is written to
 * DIR/fw.tar.gz.extracted/gzip+tar/opt/a.zip.extracted/zip/bin/x; the
 * unnamed entry of a stream (x.gz!gzip) is DIR/x.gz.extracted/gzip/data.
 * DIR/manifest.jsonl maps every virtual path to the path it was written
 * to, or records it when nothing was made for it.
 *
 * Confinement: DIR is opened once; everything below it is made with
 * mkdirat and openat relative to directory descriptors, one component at
 * a time, with O_NOFOLLOW, and files with O_CREAT|O_EXCL: no symbolic
 * link is followed, no ".." resolved, nothing that exists is overwritten
 * (a name taken gets "%%N" appended). Only regular files (mode 0644) and
 * directories (0755) are made; symbolic and hard links, devices, FIFOs
 * and sockets are only recorded in the manifest.
 *
 * Lifetimes: an extract belongs to one audit and one thread. A struct
 * extract_file (where one file sits) and a struct extract_dir (where one
 * container's entries go) live on the caller's stack, one of each per
 * level of nesting; a dir borrows its file, so it is finished first. The
 * functions do nothing when x is NULL, and so cost nothing without
 * --extract.
 */
#ifndef CANDOR_AUDIT_EXTRACT_H
#define CANDOR_AUDIT_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "candor.h"
#include "unpack/unpack.h"

#define EXTRACT_NAME_MAX 200 /* bytes of a sanitised component */
#define EXTRACT_DEPTH_MAX 128 /* components of a sanitised entry path */

struct extract;

/* Where one file was written (or, for a product, would be). */
struct extract_file {
    int dir;   /* the directory holding it (owned), -1: nowhere */
    char *rel; /* its path below DIR (owned) */
    int xdir;  /* its NAME.extracted directory (owned), -1 until made */
    char *xrel;
};

/* Where one container's entries go: made at its first entry. */
struct extract_dir {
    struct extract_file *file; /* the container's data (borrowed) */
    const char *format;        /* "gzip+tar" (borrowed) */
    const char *vpath;         /* the container's (borrowed) */
    int fd;                    /* -1 until made */
    char *rel;
};

/*
 * Opens DIR for an audit run: it is made (0755) when missing, refused
 * when it exists and is not an empty directory; DIR/manifest.jsonl is
 * created. CANDOR_ERROR_IO with the reason in msg; CANDOR_ERROR_NOMEM.
 */
enum candor_status extract_new(const char *dir, struct extract **out,
                               char *msg, size_t msg_len);
void extract_free(struct extract *x);

/*
 * Starts a product: *f gets its place, DIR/BASENAME (name's last
 * component, sanitised). Failures of one product do not carry over.
 */
enum candor_status extract_product(struct extract *x, const char *name,
                                   struct extract_file *f);
void extract_file_fini(struct extract_file *f);

/* A container read from f's data (no file system call yet). */
void extract_dir_init(struct extract_dir *d, struct extract_file *f,
                      const char *format, const char *vpath);
void extract_dir_fini(struct extract_dir *d);

/*
 * A regular file of d's container at vpath: its len bytes at data are
 * written under its sanitised path; *f gets where, for the containers
 * inside it (finish it with extract_file_fini).
 */
enum candor_status extract_write(struct extract *x, struct extract_dir *d,
                                 const struct unpack_entry *e,
                                 const char *vpath, const uint8_t *data,
                                 size_t len, struct extract_file *f);
/* Any other entry, of kind "dir", "symlink" ... (report.h): a directory
 * is made, the rest only recorded. */
enum candor_status extract_record(struct extract *x, struct extract_dir *d,
                                  const struct unpack_entry *e,
                                  const char *kind, const char *vpath);
/* Flushes the manifest at the end of a product. */
enum candor_status extract_flush(struct extract *x);

/*
 * Why the last call failed (CANDOR_ERROR_IO or _NOMEM); the audit reports
 * it as a finding and goes on. After EXTRACT_MAX_ERRORS failures in one
 * product, the rest of the product is not extracted (the message says so).
 */
#define EXTRACT_MAX_ERRORS 20
const char *extract_error(const struct extract *x);

/*
 * An entry path as it is written below its container's directory, into
 * out: components split at '/'; empty ones and "." dropped; ".." written
 * "%2E%2E"; '%', control bytes (0x01-0x1F, 0x7F) and bytes that are not
 * part of valid UTF-8 as %XX (upper-case hex); each component cut to
 * EXTRACT_NAME_MAX bytes (never inside an escape or a UTF-8 sequence);
 * components past EXTRACT_DEPTH_MAX joined to the last with "%2F". The
 * result has no leading, trailing or double '/' and may be empty. So
 * "%%" never occurs in a sanitised name, and names with it are free for
 * the "%%N" of names already taken.
 */
void extract_sanitise(const char *path, struct buf *out);

#endif
