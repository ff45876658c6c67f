/*
 * codegen.h - conditions to bytecode, and the whole program to a ruleset.
 *
 * codegen_program walks a parsed, type-checked ast_program and fills a new
 * ruleset: the string table, the rule/string/meta/tag/external tables, one
 * bytecode chunk per rule condition, the set pool, and the pattern database
 * (through strings_add for every string). The AST is only read; the ruleset
 * owes nothing to it afterwards.
 */
#ifndef CANDOR_COMPILE_CODEGEN_H
#define CANDOR_COMPILE_CODEGEN_H

#include "base/diag.h"
#include "candor.h"
#include "compile/ruleset.h"
#include "rules/ast.h"

/*
 * Builds *out from prog. Problems found here (a string whose patterns
 * cannot be built) are reported to diag; warnings too (strings that may
 * slow down scanning). Returns CANDOR_ERROR_SYNTAX when an error was
 * reported, CANDOR_ERROR_NOMEM, or CANDOR_OK.
 */
enum candor_status codegen_program(const struct ast_program *prog,
                                   struct diag_sink *diag,
                                   struct ruleset **out);

#endif
