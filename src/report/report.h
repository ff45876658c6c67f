/*
 * report.h - writes findings and unpacked files, as terminal text or JSON
 * Lines (docs/audit.md), and keeps the totals for the summary.
 *
 * Text: one line per finding, "SEVERITY CATEGORY RULE VPATH @0xOFFSET
 * EVIDENCE", then one summary line; files are counted, not listed. JSON
 * Lines: one object per finding ("type":"finding") and per unpacked file
 * ("type":"file"), then one "type":"summary". Every string from the input
 * (paths, link targets, evidence) is escaped: control bytes and bytes that
 * are not UTF-8 as \u00XX of the byte in JSON, as \xNN in text, so a name
 * inside a container cannot drive the terminal. The report borrows out; it
 * copies nothing it is given beyond the call. Not thread-safe.
 */
#ifndef CANDOR_REPORT_REPORT_H
#define CANDOR_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "report/finding.h"

/* One entry of a product or of a container in it. */
struct report_file {
    const char *vpath;
    size_t parent_len; /* the bytes of vpath that name the file holding this
                          one's container ("...!FORMAT!/path"); 0 for a
                          product */
    const char *kind; /* "file", "dir", "symlink", "hardlink", "chardev",
                         "blockdev", "fifo", "socket", "other" */
    uint64_t size;    /* bytes read (regular files), else the declared size */
    uint32_t mode;    /* permission bits with setuid, setgid and sticky */
    int64_t uid, gid;
    const char *link;      /* symlink or hard link target, else NULL */
    const uint8_t *sha256; /* 32 bytes for regular files, else NULL */
};

/* A byte range of a file identified as a container. */
struct report_range {
    uint64_t offset, length;
    char format[64];
};

/* Where containers were found in a file (carving). */
struct report_layout {
    const char *vpath;
    uint64_t size;
    const struct report_range *ranges; /* in increasing offset */
    size_t n_ranges;
    uint64_t unknown_bytes; /* in no range */
    uint64_t padding_bytes; /* of those, in runs of 16 or more 00 or FF */
};

struct report_totals {
    uint64_t products;   /* products given (files, or files of directories) */
    uint64_t files;      /* entries found inside containers, and products */
    uint64_t bytes;      /* bytes unpacked from containers */
    uint64_t containers; /* containers opened */
    uint64_t findings[FINDING_N_SEVERITIES];
};

struct sarif;

struct report {
    FILE *out;
    bool json;
    struct sarif *sarif; /* also told every finding and file, or NULL */
    /* Called before each finding and file is written, when set (the
       terminal's progress line: cli/progress.h). */
    void (*on_record)(void *ctx, const char *vpath, bool finding);
    void *on_record_ctx;
    struct buf line; /* the record being written */
    struct report_totals totals;
    bool write_failed;
};

void report_init(struct report *r, FILE *out, bool json);
void report_fini(struct report *r);

void report_finding(struct report *r, const struct finding *f);
void report_file(struct report *r, const struct report_file *f);
/* Text: "layout VPATH: FORMAT@0xOFFSET+LENGTH ...; N bytes (P%) unknown,
   M of them padding"; JSON: a "type":"layout" record. */
void report_layout(struct report *r, const struct report_layout *l);
/* The last line or record; seconds is the wall time of the whole audit. */
void report_summary(struct report *r, double seconds);

/* Whether any finding of sev or above was reported. */
bool report_has_at_least(const struct report *r, enum finding_severity sev);

/*
 * Appends s as a JSON string, quotes included: '"', '\\' and control bytes
 * escaped, UTF-8 sequences kept, every byte of an invalid sequence as
 * \u00XX. len bytes, which may include NULs.
 */
void report_json_string(struct buf *b, const char *s, size_t len);
/* The length of the valid UTF-8 sequence at s (of n bytes), 0 if invalid:
 * overlong forms, surrogates and code points past U+10FFFF are. */
size_t report_utf8_len(const uint8_t *s, size_t n);

#endif
