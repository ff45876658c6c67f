/*
 * audit.h - candor audit's driver: opens a product, unpacks every
 * container in it recursively (src/unpack), scans every file at every
 * level with the rules (include/candor.h), containers and the product
 * itself included, and reports findings and files (src/report).
 *
 * Everything stays in memory: a product is mapped read-only, each entry is
 * read into a buffer that lives while the entries inside it are audited
 * (and written under a directory only with audit_set_extract).
 * Peak memory is about the sum of the entries on the current nesting path,
 * each at most max_entry_bytes, all together at most max_total_bytes.
 * Every limit that stops something is a finding of kind LIMIT; a container
 * that cannot be read is one of kind UNPACK_ERROR, and the audit goes on
 * with everything else. The rules and the report are borrowed and must
 * outlive it.
 *
 * Threads: an audit of n_threads runs n_threads - 1 threads of its own
 * besides the caller's. A product (audit_file) and every file unpacked
 * from it are jobs that any of them may take, so one large image keeps
 * every core busy; a queue of at most 4 jobs per thread and 256 MiB
 * holds what waits, and a thread that finds the queue full does the job
 * itself. The report is the same whatever the number of threads: each
 * job's records are kept until everything before them was written, and
 * written in the order one thread would have written them. Only which
 * entry hits a product-wide limit (--max-total-bytes, --max-files) can
 * differ; the limits hold exactly. With --extract (audit_set_extract), everything runs in the
 * caller's thread. The calls below are made from one thread.
 */
#ifndef CANDOR_AUDIT_AUDIT_H
#define CANDOR_AUDIT_AUDIT_H

#include <stdint.h>

#include "candor.h"
#include "report/report.h"

struct audit_limits {
    uint32_t max_depth;       /* containers inside containers (32) */
    uint64_t max_total_bytes; /* unpacked per product (4 GiB) */
    uint64_t max_entry_bytes; /* per entry; more is cut and reported (256 MiB) */
    uint64_t max_ratio;       /* entry size / container size (1000) */
    uint64_t max_files;       /* entries per product (1,000,000) */
    unsigned timeout;         /* seconds per product, 0: none */
};

/* The safe defaults above. */
void audit_limits_default(struct audit_limits *l);

struct audit;

enum candor_status audit_new(const struct candor_rules *rules,
                             const struct audit_limits *limits, int n_threads,
                             struct report *report, struct audit **out);
/* Waits until every product given is done and reported; the first
   failure of any (CANDOR_ERROR_NOMEM), else CANDOR_OK. audit_free waits
   too. */
enum candor_status audit_wait(struct audit *a);
void audit_free(struct audit *a);

struct extract;
/* With x (extract.h, borrowed), every file unpacked is also written
 * under x's directory; NULL: nothing is written (the default). */
void audit_set_extract(struct audit *a, struct extract *x);

/*
 * Audits one product held in memory, in the caller's thread (the files
 * in it may go to others: audit_wait); name is its virtual path's root.
 * Errors other than CANDOR_ERROR_NOMEM are findings, not failures.
 */
enum candor_status audit_mem(struct audit *a, const char *name,
                             const uint8_t *data, size_t len);
/* Maps path read-only and audits it, maybe in another thread (audit_wait);
 * a file that cannot be read is an UNPACK_ERROR finding. */
enum candor_status audit_file(struct audit *a, const char *path);

#endif
