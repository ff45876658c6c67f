/*
 * args.h - command-line parsing with yara 4.2.3's rules and quirks.
 *
 * A command describes its options in a table of struct arg_spec and gets
 * each option it meets through a callback. What the parser accepts, as yara
 * does (docs/cli.md lists the cases):
 *   -abc        several flags in one word; an option that takes a value must
 *               be the word's last letter and takes the next word, whatever
 *               it looks like ("-l -1"); "-l5" is an error;
 *   --name=VAL  a long option's value follows '=' (may be empty); a long
 *               flag ignores "=VAL"; "--name VAL" is an error except for
 *               options marked separate_value (candor's own);
 *   -           alone, ignored;  --  alone, an ordinary argument;
 *   options and arguments mix in any order; arguments keep their order.
 * Integers are read as strtoll base 0 (0x.., 0.. octal) and must use the
 * whole word; "" reads as 0. A repeatable option takes at most
 * ARGS_MAX_REPEAT values; any other option may appear once ("-s -s" and
 * "-ss" are errors). Error messages name the word as typed.
 */
#ifndef CANDOR_CLI_ARGS_H
#define CANDOR_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ARGS_MAX_REPEAT 32 /* yara's limit for -d, -i, -t, -x */

enum arg_kind {
    ARG_FLAG,   /* no value */
    ARG_INT,    /* an integer value; repeats keep the last */
    ARG_STRING, /* a string value; repeats keep the last */
    ARG_REPEAT, /* a string value, up to ARGS_MAX_REPEAT times */
};

struct arg_spec {
    int id;                /* the command's own option number */
    char short_name;       /* 0 when the option has no short form */
    const char *long_name; /* NULL when it has no long form */
    enum arg_kind kind;
    bool separate_value;    /* also "--name VALUE" (not a yara option) */
    const char *value_name; /* for help: "NUMBER", "FILE", ... */
    const char *help;
};

/* One option met: value is NULL for flags, number is set for ARG_INT. */
typedef void (*args_fn)(void *ctx, const struct arg_spec *spec,
                        const char *value, long long number);

/*
 * Parses argv[1..argc-1]. Calls fn for each option in order and stores the
 * other words in positional (which must have room for argc pointers; they
 * point into argv) and their count in *n_positional. Returns false after
 * writing a message (without newline) to err on the first error; fn may
 * have been called for the options before it.
 */
bool args_parse(const struct arg_spec *specs, size_t n_specs, int argc,
                char **argv, args_fn fn, void *ctx, char **positional,
                int *n_positional, char *err, size_t err_len);

/* Reads a whole word as an integer the way options do; false if it is not. */
bool args_integer(const char *s, long long *out);

/* Writes the option lines of a help text to f, in the table's order. */
void args_print_help(const struct arg_spec *specs, size_t n_specs, FILE *f);

#endif
