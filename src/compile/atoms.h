/*
 * atoms.h - which fixed substrings find a string, and how good they are.
 *
 * Two judgements share one walk over a string's re_node tree:
 *   - yara's: the quality of the atom yara would choose, to decide its
 *     "may slow down scanning" warning. The scoring below was found by
 *     running yara 4.2.3 on hundreds of one-string rules (see
 *     tests/unit/test_match.c and docs/matching.md): a window of at most
 *     4 bytes scores per byte 20 (12 for 00 20 CC FF, 18 for letters),
 *     4 per nibble, -10 per wildcard, then +2 per distinct byte, or
 *     -10 per position when every byte is one of 00 20 90 CC FF; yara
 *     warns below 38.
 *   - ours: the atoms candor gives vectorscan, longer fixed runs (up to
 *     ATOMS_MAX_RUN bytes) ranked by that score and then by length.
 * Results live in a struct atoms owned by the caller (atoms_fini).
 */
#ifndef CANDOR_COMPILE_ATOMS_H
#define CANDOR_COMPILE_ATOMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/re.h"

#define ATOMS_NONE (-1000000)     /* no atom at all */
#define ATOMS_WARN_BELOW 38       /* yara warns under this quality */
#define ATOMS_MIN_USEFUL 30       /* weaker atoms: search with PCRE2 */
#define ATOMS_MAX_RUN 8           /* longest atom taken from a run */
#define ATOMS_MAX_PER_FORM 256    /* more alternatives: no atoms */
#define ATOMS_INF UINT64_MAX

/* yara's quality of one window; mask may be NULL (all bytes known). */
int atoms_window_quality(const uint8_t *bytes, const uint8_t *mask,
                         size_t n);

/* The best yara window of a run (windows of 4 bytes, or the whole run when
 * shorter, at each start that leaves a whole window, with wildcards at
 * either end dropped); ATOMS_NONE when empty. *at (when not NULL) receives
 * where the best starts. */
int atoms_best_quality(const uint8_t *bytes, const uint8_t *mask, size_t n,
                       size_t *at);

/*
 * yara's quality for a wide string: the window is chosen on the plain
 * bytes as above, then its first two characters are widened into a
 * 4-byte atom (xored with key when key >= 0); the result is the worse of
 * that atom and the plain window.
 */
int atoms_wide_quality(const uint8_t *bytes, const uint8_t *mask, size_t n,
                       int key);

struct atoms_run {
    uint32_t off, len;         /* in atoms.bytes */
    uint64_t before_min, before_max; /* ATOMS_INF: unbounded */
};

struct atoms {
    int yara_quality;          /* ATOMS_NONE: yara has no atom either */
    int quality;               /* of the runs below; ATOMS_NONE: none */
    struct atoms_run *runs;    /* every match contains one of them */
    uint32_t n_runs, cap_runs;
    uint8_t *bytes;
    size_t n_bytes, cap_bytes;
    bool nomem;
};

/* What atoms_from_tree computes and how it reads the tree. */
#define ATOMS_HEX 0x01u   /* nibble classes count as yara's masked bytes,
                             hex jumps of one byte as wildcards */
#define ATOMS_WIDE 0x02u  /* yara's quality of the wide form */
#define ATOMS_YARA 0x04u  /* fill yara_quality (else ATOMS_NONE) */
#define ATOMS_RUNS 0x08u  /* fill quality and runs (else none) */

/*
 * Walks a tree as flags say. Returns false only when out of memory. Runs
 * whose start is not within max_before bytes of the match start are not
 * chosen.
 */
bool atoms_from_tree(const struct re_node *root, unsigned flags,
                     uint64_t max_before, struct atoms *out);
void atoms_fini(struct atoms *a);

#endif
