/*
 * define.h - external variables given on the command line (-d NAME=VALUE).
 *
 * The value's type comes from its spelling, as in yara 4.2.3:
 *   integer  an optional '-' and one or more digits ("010" is ten); the
 *            value is what C's atoi gives, so it wraps to 32 bits
 *            ("4294967297" is 1), as yara's does;
 *   float    an optional '-', one or more digits, '.', any digits ("1.",
 *            "-2.50"; not ".5" nor "1e3");
 *   boolean  exactly "true" or "false";
 *   string   anything else, including "" and "TRUE".
 */
#ifndef CANDOR_CLI_DEFINE_H
#define CANDOR_CLI_DEFINE_H

#include <stdbool.h>
#include <stdint.h>

#include "candor.h"

enum define_type {
    DEFINE_INTEGER,
    DEFINE_FLOAT,
    DEFINE_BOOLEAN,
    DEFINE_STRING,
};

struct define {
    char *name;         /* owned; may be "" ("-d =5") */
    const char *string; /* the value as typed: points into the argument */
    enum define_type type;
    int64_t integer; /* DEFINE_INTEGER, and 0/1 for DEFINE_BOOLEAN */
    double real;     /* DEFINE_FLOAT */
};

/*
 * Splits "NAME=VALUE" at the first '=' and types the value. Returns
 * CANDOR_ERROR_ARGUMENT when there is no '=', CANDOR_ERROR_NOMEM when the
 * name cannot be copied; on success free d with define_fini.
 */
enum candor_status define_parse(const char *arg, struct define *d);
void define_fini(struct define *d);

enum define_type define_type_of(const char *value);

/* Defines d in a compiler, or in one scanner (for compiled rules). */
enum candor_status define_in_compiler(const struct define *d,
                                      struct candor_compiler *c);
enum candor_status define_in_scanner(const struct define *d,
                                     struct candor_scanner *s);

#endif
