/*
 * Unit tests of the command's option parsing (cli/args.c, cli/options.c)
 * and -d value typing (cli/define.c). Every expectation was first seen in
 * yara 4.2.3 (docs/cli.md). The unit-test binary does not link cli/, so
 * the files under test are compiled into this one.
 */
#include <stdio.h>
#include <string.h>

#include "../harness.h"

#include "../../cli/args.c"
#include "../../cli/define.c"
#include "../../cli/options.c"

/* Parses a NULL-terminated list of words as `candor scan` would. */
static bool scan_words(struct options *o, char *err, const char **words)
{
    char *argv[80];
    int argc = 0;

    argv[argc++] = (char *)"scan";
    while (*words != NULL && argc < 79)
        argv[argc++] = (char *)*words++;
    argv[argc] = NULL;
    err[0] = '\0';
    return options_parse_scan(argc, argv, o, err, 256);
}

#define PARSE(o, err, ...)                                                     \
    scan_words(o, err, (const char *[]){__VA_ARGS__, NULL})

TEST(cli_args_grouped_flags_and_a_value_last)
{
    struct options o;
    char err[256];

    CHECK(PARSE(&o, err, "-sgl", "2", "r.yar", "f"));
    CHECK(o.print_strings && o.print_tags);
    CHECK_INT(o.max_rules, 2);
    CHECK_INT(o.n_positional, 2);
    options_fini(&o);
}

TEST(cli_args_value_option_inside_a_group_is_an_error)
{
    struct options o;
    char err[256];

    CHECK(!PARSE(&o, err, "-ls", "1", "r", "f"));
    CHECK_STR(err, "option `-ls` requires an integer argument");
    options_fini(&o);
    CHECK(!PARSE(&o, err, "-l1", "r", "f"));
    CHECK_STR(err, "option `-l1` requires an integer argument");
    options_fini(&o);
    CHECK(!PARSE(&o, err, "-ts", "x", "r", "f"));
    CHECK_STR(err, "option `-ts` requires a string argument");
    options_fini(&o);
    CHECK(!PARSE(&o, err, "r", "f", "-l"));
    CHECK_STR(err, "option `-l` requires an integer argument");
    options_fini(&o);
}

TEST(cli_args_long_values_need_equals)
{
    struct options o;
    char err[256];

    CHECK(!PARSE(&o, err, "--max-rules", "1", "r", "f"));
    CHECK_STR(err, "option `--max-rules` requires an integer argument");
    options_fini(&o);
    CHECK(!PARSE(&o, err, "--tag", "x", "r", "f"));
    CHECK_STR(err, "option `--tag` requires a string argument");
    options_fini(&o);
    CHECK(!PARSE(&o, err, "--max-rules=x", "r", "f"));
    CHECK_STR(err, "option `--max-rules=x` requires an integer argument");
    options_fini(&o);
    CHECK(
        PARSE(&o, err, "--max-rules=3", "--tag=a", "--identifier=", "r", "f"));
    CHECK_INT(o.max_rules, 3);
    CHECK_INT(o.tags.n, 1);
    CHECK_STR(o.tags.v[0], "a");
    CHECK_STR(o.identifiers.v[0], "");
    options_fini(&o);
    CHECK(PARSE(&o, err, "--max-rules=", "--count=abc", "r", "f"));
    CHECK_INT(o.max_rules, 0);
    CHECK(o.count_only);
    options_fini(&o);
}

TEST(cli_args_candor_options_take_a_separate_value)
{
    struct options o;
    char err[256];

    CHECK(PARSE(&o, err, "--rules-key", "k", "-C", "r", "f"));
    CHECK_STR(o.rules_key, "k");
    CHECK_INT(o.n_positional, 2);
    options_fini(&o);
    CHECK(PARSE(&o, err, "--rules-key=k2", "r", "f"));
    CHECK_STR(o.rules_key, "k2");
    options_fini(&o);
}

TEST(cli_args_unknown_options_name_the_word)
{
    struct options o;
    char err[256];

    CHECK(!PARSE(&o, err, "-sq", "r", "f"));
    CHECK_STR(err, "unknown option `-sq`");
    options_fini(&o);
    CHECK(!PARSE(&o, err, "--bogus=1", "r", "f"));
    CHECK_STR(err, "unknown option `--bogus=1`");
    options_fini(&o);
    CHECK(!PARSE(&o, err, "--coun", "r", "f"));
    CHECK_STR(err, "unknown option `--coun`");
    options_fini(&o);
    CHECK(!PARSE(&o, err, "-5", "r", "f"));
    CHECK_STR(err, "unknown option `-5`");
    options_fini(&o);
}

TEST(cli_args_dash_words_and_positional_order)
{
    struct options o;
    char err[256];

    CHECK(PARSE(&o, err, "-", "a", "-s", "--", "b", "-l", "-1", "c"));
    CHECK_INT(o.n_positional, 4);
    CHECK_STR(o.positional[0], "a");
    CHECK_STR(o.positional[1], "--");
    CHECK_STR(o.positional[2], "b");
    CHECK_STR(o.positional[3], "c");
    CHECK_INT(o.max_rules, -1);
    CHECK(o.print_strings);
    options_fini(&o);
}

TEST(cli_args_integers_read_as_strtol_base_0)
{
    long long v = 99;

    CHECK(args_integer("0x10", &v));
    CHECK_INT(v, 16);
    CHECK(args_integer("010", &v));
    CHECK_INT(v, 8);
    CHECK(args_integer(" 2", &v));
    CHECK_INT(v, 2);
    CHECK(args_integer("", &v));
    CHECK_INT(v, 0);
    CHECK(args_integer("4294967297", &v));
    CHECK_INT(v, 4294967297ll);
    CHECK(!args_integer("2x", &v));
    CHECK(!args_integer("2 ", &v));
    CHECK(!args_integer("1k", &v));
}

TEST(cli_args_repeat_limit_is_32)
{
    struct options o;
    char err[256];
    const char *words[80];
    int n = 0;

    for (int i = 0; i < 33; i++) {
        words[n++] = "-t";
        words[n++] = "x";
    }
    words[n++] = "r";
    words[n++] = "f";
    words[n] = NULL;
    CHECK(!scan_words(&o, err, words));
    CHECK_STR(err, "too many `-t` options");
    options_fini(&o);
    words[64] = "r"; /* 32 are fine */
    words[65] = "f";
    words[66] = NULL;
    CHECK(scan_words(&o, err, words));
    CHECK_INT(o.tags.n, 32);
    options_fini(&o);
}

TEST(cli_args_compile_has_yaracs_options_only)
{
    struct options o;
    char err[256];
    char *argv[] = {(char *)"compile", (char *)"-x", (char *)"a=b",
                    (char *)"r",       (char *)"o",  NULL};
    char *argv2[] = {(char *)"compile",
                     (char *)"-wd",
                     (char *)"a=1",
                     (char *)"--fail-on-warnings",
                     (char *)"r",
                     (char *)"o",
                     NULL};

    CHECK(!options_parse_compile(5, argv, &o, err, sizeof(err)));
    CHECK_STR(err, "unknown option `-x`");
    options_fini(&o);
    CHECK(options_parse_compile(6, argv2, &o, err, sizeof(err)));
    CHECK(o.no_warnings && o.fail_on_warnings);
    CHECK_INT(o.defines.n, 1);
    CHECK_INT(o.n_positional, 2);
    options_fini(&o);
}

TEST(cli_define_types_as_yara)
{
    static const struct {
        const char *value;
        enum define_type type;
    } cases[] = {
        {"5", DEFINE_INTEGER},     {"-5", DEFINE_INTEGER},
        {"010", DEFINE_INTEGER},   {"+5", DEFINE_STRING},
        {"0x10", DEFINE_STRING},   {" 5", DEFINE_STRING},
        {"5 ", DEFINE_STRING},     {"1.5", DEFINE_FLOAT},
        {"-1.5", DEFINE_FLOAT},    {"1.", DEFINE_FLOAT},
        {"-1.", DEFINE_FLOAT},     {"00.5", DEFINE_FLOAT},
        {".5", DEFINE_STRING},     {"-.5", DEFINE_STRING},
        {"1e3", DEFINE_STRING},    {"1.5e3", DEFINE_STRING},
        {"1.2.3", DEFINE_STRING},  {"true", DEFINE_BOOLEAN},
        {"false", DEFINE_BOOLEAN}, {"TRUE", DEFINE_STRING},
        {"", DEFINE_STRING},       {"-", DEFINE_STRING},
        {"1-", DEFINE_STRING},     {"--1", DEFINE_STRING},
        {"abc", DEFINE_STRING},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (define_type_of(cases[i].value) != cases[i].type)
            harness_fail(__FILE__, __LINE__, "\"%s\" typed %d, expected %d",
                         cases[i].value, define_type_of(cases[i].value),
                         cases[i].type);
    }
}

/* The integer a -d value gets, or -12345 when it is not an integer. */
static long long define_int(const char *arg)
{
    struct define d;
    long long v = -12345;

    if (define_parse(arg, &d) == CANDOR_OK && d.type == DEFINE_INTEGER)
        v = d.integer;
    define_fini(&d);
    return v;
}

TEST(cli_define_integers_wrap_like_atoi)
{
    CHECK_INT(define_int("x=010"), 10);
    CHECK_INT(define_int("x=-5"), -5);
    CHECK_INT(define_int("x=4294967297"), 1);
    CHECK_INT(define_int("x=4294967296"), 0);
    CHECK_INT(define_int("x=2147483648"), -2147483648ll);
    CHECK_INT(define_int("x=99999999999999999999"), -1);
    CHECK_INT(define_int("x=18446744073709551615"), -1);
    CHECK_INT(define_int("x=-99999999999999999999"), 0);
}

TEST(cli_define_splits_at_the_first_equals)
{
    struct define d;

    CHECK_INT(define_parse("x", &d), CANDOR_ERROR_ARGUMENT);
    define_fini(&d);
    CHECK_INT(define_parse("y=1=2", &d), CANDOR_OK);
    CHECK_STR(d.name, "y");
    CHECK_STR(d.string, "1=2");
    CHECK_INT(d.type, DEFINE_STRING);
    define_fini(&d);
    CHECK_INT(define_parse("=5", &d), CANDOR_OK);
    CHECK_STR(d.name, "");
    CHECK_INT(d.integer, 5);
    define_fini(&d);
    CHECK_INT(define_parse("f=-2.5", &d), CANDOR_OK);
    CHECK(d.type == DEFINE_FLOAT && d.real == -2.5);
    define_fini(&d);
    CHECK_INT(define_parse("b=true", &d), CANDOR_OK);
    CHECK(d.type == DEFINE_BOOLEAN && d.integer == 1);
    define_fini(&d);
    CHECK_INT(define_parse("s=", &d), CANDOR_OK);
    CHECK(d.type == DEFINE_STRING && d.string[0] == '\0');
    define_fini(&d);
}

TEST(cli_namespace_is_before_the_first_colon)
{
    char *ns;
    const char *path;

    CHECK(options_split_source("ns:r.yar", &ns, &path));
    CHECK_STR(ns, "ns");
    CHECK_STR(path, "r.yar");
    free(ns);
    CHECK(options_split_source(":r.yar", &ns, &path));
    CHECK_STR(ns, "");
    CHECK_STR(path, "r.yar");
    free(ns);
    CHECK(options_split_source("a:b:r.yar", &ns, &path));
    CHECK_STR(ns, "a");
    CHECK_STR(path, "b:r.yar");
    free(ns);
    CHECK(options_split_source("r.yar", &ns, &path));
    CHECK(ns == NULL);
    CHECK_STR(path, "r.yar");
}
