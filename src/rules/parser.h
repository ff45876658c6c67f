/*
 * parser.h - YARA rule sources to the syntax tree (ast.h).
 *
 * A recursive-descent parser over the lexer's tokens, with precedence
 * climbing for expressions. It resolves and type-checks every identifier as
 * it goes, reports each problem to the diagnostic sink with yara's message,
 * file and line, and recovers at the next rule so one run reports several
 * errors. Rules that had errors are not added to the program.
 */
#ifndef CANDOR_RULES_PARSER_H
#define CANDOR_RULES_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "candor.h"
#include "rules/ast.h"

struct parser_opts {
    uint32_t max_strings_per_rule; /* yara: 10,000 */
    unsigned max_include_depth;    /* yara: 16 */
    /* Called for each string as soon as it is parsed without error, so
     * that its warnings come in yara's order (NULL: none). */
    void (*on_string)(void *ctx, struct diag_sink *diag, const char *file,
                      const char *rule, const struct ast_string *s);
    void *on_string_ctx;
};

/*
 * Parses source (len bytes, need not be NUL-terminated) named name into
 * prog under namespace ns (created on first use). `include` directives are
 * read relative to the directory of name. Returns CANDOR_OK, or
 * CANDOR_ERROR_SYNTAX when any error was reported (the successfully parsed
 * rules are still in prog), or CANDOR_ERROR_NOMEM.
 */
enum candor_status parser_parse(struct ast_program *prog,
                                struct diag_sink *diag, const char *source,
                                size_t len, const char *name, const char *ns,
                                const struct parser_opts *opts);

#endif
