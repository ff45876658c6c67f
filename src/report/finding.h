/*
 * finding.h - the one model for everything candor audit reports.
 *
 * A finding is a rule that matched, a detector that fired, a limit that
 * was hit or a container that could not be read, at a virtual path
 * (docs/audit.md): PRODUCT!FORMAT[@0xOFFSET]!/entry/path, nested as deep
 * as the containers go. Every string of a finding is borrowed: the writer
 * (report.h) copies what it keeps, so a finding may live on the stack.
 */
#ifndef CANDOR_REPORT_FINDING_H
#define CANDOR_REPORT_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

enum finding_kind {
    FINDING_RULE,         /* a YARA rule matched */
    FINDING_DETECTOR,     /* one of candor's own detectors fired */
    FINDING_LIMIT,        /* a limit stopped the unpacking somewhere */
    FINDING_UNPACK_ERROR, /* a container is corrupt or truncated */
};

/* In increasing order: --fail-on compares them. */
enum finding_severity {
    SEVERITY_INFO,
    SEVERITY_LOW,
    SEVERITY_MEDIUM,
    SEVERITY_HIGH,
    SEVERITY_CRITICAL,
};
#define FINDING_N_SEVERITIES 5

struct finding {
    enum finding_kind kind;
    const char *rule;     /* "namespace:rule", a detector id, "limit.depth" */
    const char *category; /* "malware", "hidden-function", "vulnerability",
                             "limit", "unpack" */
    enum finding_severity severity;
    const char *vpath;
    uint64_t offset, length; /* the bytes concerned in the file at vpath */
    const char *evidence;    /* printable text, or NULL */
    const char *norm; /* "13(i)" for malware, "13(j)" for hidden functions
                         and vulnerabilities, NULL for limits */
};

/* Lower-case names: "rule", "detector", "limit", "unpack-error". */
const char *finding_kind_name(enum finding_kind kind);
/* Lower-case names: "info" ... "critical". */
const char *finding_severity_name(enum finding_severity sev);
/* Reads a severity name of len bytes, in any case; false if it is none. */
bool finding_severity_parse(const char *s, size_t len,
                            enum finding_severity *out);
/* The norm a category concerns: "13(i)", "13(j)" or NULL. */
const char *finding_norm(const char *category);

/*
 * Appends a string match as evidence: "$id: " and the matched bytes as
 * yara -s prints them (text form: 0x20..0x7E as they are, other bytes as
 * \xNN; hex form: "NN NN"), at most FINDING_EVIDENCE_MAX of the data_len
 * bytes at data, then " ..." when the match (length bytes) was longer.
 */
#define FINDING_EVIDENCE_MAX 64
void finding_evidence(struct buf *b, const char *id, const uint8_t *data,
                      size_t data_len, uint64_t length, bool hex);

#endif
