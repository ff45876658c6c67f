/*
 * sarif.h - candor audit's findings as one SARIF 2.1.0 log (OASIS), for
 * `candor audit --sarif FILE` (docs/audit.md, "SARIF").
 *
 * One run. Each finding is a result, written as it arrives; the artifacts,
 * the rules and the invocation follow the results in the run object (JSON
 * members have no order) and are written by sarif_finish. The writer is
 * told every file the audit meets, in the audit's depth-first order (a
 * container's entries right after the file holding it), and keeps the
 * chain of files from the product down to the last one. Only the files a
 * result points at, and the files holding them, become artifacts: a
 * product with its path as a URI, each file inside a container with
 * parentIndex and its name in the container as a percent-encoded relative
 * reference. Strings from the input are JSON-escaped (report_json_string),
 * so the log is valid UTF-8 JSON whatever the names hold.
 *
 * The writer borrows out and copies what it keeps. Not thread-safe.
 */
#ifndef CANDOR_REPORT_SARIF_H
#define CANDOR_REPORT_SARIF_H

#include <stdbool.h>
#include <stdio.h>

#include "report/finding.h"

struct report_file;
struct sarif;

/*
 * Starts a log on out for the tool version given; NULL when out of memory.
 * Relative product paths are given relative to the current directory,
 * recorded as the uriBaseId "CWD".
 */
struct sarif *sarif_new(FILE *out, const char *version);
void sarif_free(struct sarif *s);

/* A file met by the audit (report_file's record). */
void sarif_file(struct sarif *s, const struct report_file *f);
/* A finding: one result. */
void sarif_finding(struct sarif *s, const struct finding *f);
/*
 * Writes the rest of the log; successful is the invocation's
 * executionSuccessful. False when memory or a write failed at any point:
 * the log is then incomplete.
 */
bool sarif_finish(struct sarif *s, bool successful);

#endif
