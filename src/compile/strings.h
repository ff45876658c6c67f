/*
 * strings.h - from a rule string to the patterns that find it.
 *
 * strings_add expands one ast_string (its modifiers: nocase, wide/ascii,
 * xor, base64, fullword) into the patterns of a match builder: atoms for
 * vectorscan and, where a match's extent is not fixed, a PCRE2 pattern that
 * confirms it. It also reports whether the string "may slow down scanning"
 * (yara's warning: no atom of good quality).
 */
#ifndef CANDOR_COMPILE_STRINGS_H
#define CANDOR_COMPILE_STRINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "candor.h"
#include "match/match.h"
#include "rules/ast.h"
#include "rules/re.h"

struct strings_result {
    bool slow;         /* yara would warn "may slow down scanning" */
};

/*
 * Adds the patterns of string s under string_id, and when res is not NULL
 * fills it. On a string that cannot be compiled (an error yara reports at
 * compile time, e.g. a regex feature PCRE2 rejects) it returns
 * CANDOR_ERROR_SYNTAX with the message in err.
 */
enum candor_status strings_add(struct match_builder *b, uint32_t string_id,
                               const struct ast_string *s,
                               struct strings_result *res, char *err,
                               size_t err_len);

/*
 * res.slow alone, without building anything (atoms are judged, nothing is
 * compiled): cheap enough to ask for every string as it is parsed. A
 * string that does not parse is not slow; one that parses may still fail
 * in strings_add.
 */
bool strings_slow(const struct ast_string *s);

/*
 * The PCRE2 text of a regex tree for the `matches` operator (no wide form,
 * no fullword): out is initialised here and owned by the caller (buf_fini).
 * Compile it with match_regex_new, passing MATCH_NOCASE for /i.
 */
enum candor_status strings_regex_pcre(const struct re_node *re,
                                      struct buf *out);

#endif
