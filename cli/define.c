/* define.c - see define.h. */
#include "define.h"

#include <stdlib.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Skips an optional '-' and a run of digits; NULL when there is no digit. */
static const char *digits(const char *s)
{
    const char *p = s[0] == '-' ? s + 1 : s;
    const char *start = p;

    while (is_digit(*p))
        p++;
    return p == start ? NULL : p;
}

enum define_type define_type_of(const char *value)
{
    const char *p = digits(value);

    if (p != NULL && *p == '\0')
        return DEFINE_INTEGER;
    if (p != NULL && *p == '.') {
        p++;
        while (is_digit(*p))
            p++;
        if (*p == '\0')
            return DEFINE_FLOAT;
    }
    if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
        return DEFINE_BOOLEAN;
    return DEFINE_STRING;
}

/* atoi's value: strtol's clamped long, cut to 32 bits two's complement. */
static int64_t atoi_value(const char *s)
{
    uint32_t low = (uint32_t)(unsigned long)strtol(s, NULL, 10);

    return low >= 0x80000000u ? (int64_t)low - 0x100000000ll : (int64_t)low;
}

enum candor_status define_parse(const char *arg, struct define *d)
{
    const char *eq = strchr(arg, '=');
    size_t len;

    memset(d, 0, sizeof(*d));
    if (eq == NULL)
        return CANDOR_ERROR_ARGUMENT;
    len = (size_t)(eq - arg);
    d->name = malloc(len + 1);
    if (d->name == NULL)
        return CANDOR_ERROR_NOMEM;
    memcpy(d->name, arg, len);
    d->name[len] = '\0';
    d->string = eq + 1;
    d->type = define_type_of(d->string);
    switch (d->type) {
    case DEFINE_INTEGER: d->integer = atoi_value(d->string); break;
    case DEFINE_FLOAT: d->real = strtod(d->string, NULL); break;
    case DEFINE_BOOLEAN: d->integer = strcmp(d->string, "true") == 0; break;
    case DEFINE_STRING: break;
    }
    return CANDOR_OK;
}

void define_fini(struct define *d)
{
    free(d->name);
    d->name = NULL;
}

enum candor_status define_in_compiler(const struct define *d,
                                      struct candor_compiler *c)
{
    switch (d->type) {
    case DEFINE_INTEGER:
        return candor_compiler_define_integer(c, d->name, d->integer);
    case DEFINE_FLOAT: return candor_compiler_define_float(c, d->name, d->real);
    case DEFINE_BOOLEAN:
        return candor_compiler_define_boolean(c, d->name, d->integer != 0);
    case DEFINE_STRING: break;
    }
    return candor_compiler_define_string(c, d->name, d->string);
}

enum candor_status define_in_scanner(const struct define *d,
                                     struct candor_scanner *s)
{
    switch (d->type) {
    case DEFINE_INTEGER:
        return candor_scanner_define_integer(s, d->name, d->integer);
    case DEFINE_FLOAT: return candor_scanner_define_float(s, d->name, d->real);
    case DEFINE_BOOLEAN:
        return candor_scanner_define_boolean(s, d->name, d->integer != 0);
    case DEFINE_STRING: break;
    }
    return candor_scanner_define_string(s, d->name, d->string);
}
