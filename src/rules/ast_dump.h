/*
 * ast_dump.h - a deterministic text form of a parsed program, for golden
 * tests and for reading what the parser built.
 *
 *   import pe
 *   rule default:a private global : tag1 tag2
 *     meta author = "x"
 *     string $a text "abc" nocase wide xor(1-255) base64("...") private
 *     string $b hex "41 ?? 42"
 *     string $c regex "a.c" /is
 *     condition (and (== (+:int filesize 1) 2) $a)
 *
 * Conditions are written in prefix form, one S-expression per node, with
 * ast.def's names; arithmetic and module values carry their type
 * (`:int`, `:float`, `:string`, `:unknown`). The dump writes into a buf
 * owned by the caller; it allocates nothing else.
 */
#ifndef CANDOR_RULES_AST_DUMP_H
#define CANDOR_RULES_AST_DUMP_H

#include "base/buf.h"
#include "candor.h"
#include "rules/ast.h"

/* Appends the dump of every import and rule; CANDOR_ERROR_NOMEM when out
 * failed (out of memory or over its cap). */
enum candor_status ast_dump_program(const struct ast_program *prog,
                                    struct buf *out);

/* Appends one condition tree of rule (for the names of its strings). */
enum candor_status ast_dump_expr(const struct ast_program *prog,
                                 const struct ast_rule *rule,
                                 const struct ast_expr *e, struct buf *out);

#endif
