/* Temporary stubs: replaced piece by piece by the real library. */
#include "candor.h"

enum candor_status candor_compiler_new(struct candor_compiler **out)
{
    (void)out;
    return 0;
}

void candor_compiler_free(struct candor_compiler *c)
{
    (void)c;
    
}

void candor_compiler_set_diag(struct candor_compiler *c, candor_diag_fn fn, void *ctx)
{
    (void)c; (void)fn; (void)ctx;
    
}

void candor_compiler_set_max_strings(struct candor_compiler *c, uint32_t n)
{
    (void)c; (void)n;
    
}

enum candor_status candor_compiler_define_integer(struct candor_compiler *c, const char *name, int64_t value)
{
    (void)c; (void)name; (void)value;
    return 0;
}

enum candor_status candor_compiler_define_float(struct candor_compiler *c, const char *name, double value)
{
    (void)c; (void)name; (void)value;
    return 0;
}

enum candor_status candor_compiler_define_boolean(struct candor_compiler *c, const char *name, bool value)
{
    (void)c; (void)name; (void)value;
    return 0;
}

enum candor_status candor_compiler_define_string(struct candor_compiler *c, const char *name, const char *value)
{
    (void)c; (void)name; (void)value;
    return 0;
}

enum candor_status candor_compiler_add_file(struct candor_compiler *c, const char *path, const char *ns)
{
    (void)c; (void)path; (void)ns;
    return 0;
}

enum candor_status candor_compiler_add_string(struct candor_compiler *c, const char *source, const char *name, const char *ns)
{
    (void)c; (void)source; (void)name; (void)ns;
    return 0;
}

int candor_compiler_errors(const struct candor_compiler *c)
{
    (void)c;
    return 0;
}

int candor_compiler_warnings(const struct candor_compiler *c)
{
    (void)c;
    return 0;
}

enum candor_status candor_compiler_get_rules(struct candor_compiler *c, struct candor_rules **out)
{
    (void)c; (void)out;
    return 0;
}

enum candor_status candor_rules_save(const struct candor_rules *rules, const char *path, const uint8_t *key, size_t key_len)
{
    (void)rules; (void)path; (void)key; (void)key_len;
    return 0;
}

enum candor_status candor_rules_load(const char *path, const uint8_t *key, size_t key_len, struct candor_rules **out)
{
    (void)path; (void)key; (void)key_len; (void)out;
    return 0;
}

void candor_rules_free(struct candor_rules *rules)
{
    (void)rules;
    
}

size_t candor_rules_count(const struct candor_rules *rules)
{
    (void)rules;
    return 0;
}

const struct candor_rule *candor_rules_get(const struct candor_rules *rules, size_t i)
{
    (void)rules; (void)i;
    return 0;
}

size_t candor_rules_string_count(const struct candor_rules *rules)
{
    (void)rules;
    return 0;
}

const char *candor_rule_name(const struct candor_rule *r)
{
    (void)r;
    return 0;
}

const char *candor_rule_namespace(const struct candor_rule *r)
{
    (void)r;
    return 0;
}

unsigned candor_rule_flags(const struct candor_rule *r)
{
    (void)r;
    return 0;
}

size_t candor_rule_tag_count(const struct candor_rule *r)
{
    (void)r;
    return 0;
}

const char *candor_rule_tag(const struct candor_rule *r, size_t i)
{
    (void)r; (void)i;
    return 0;
}

size_t candor_rule_meta_count(const struct candor_rule *r)
{
    (void)r;
    return 0;
}

const struct candor_meta *candor_rule_meta(const struct candor_rule *r, size_t i)
{
    (void)r; (void)i;
    return 0;
}

size_t candor_rule_string_count(const struct candor_rule *r)
{
    (void)r;
    return 0;
}

const struct candor_string *candor_rule_string(const struct candor_rule *r, size_t i)
{
    (void)r; (void)i;
    return 0;
}

const char *candor_string_name(const struct candor_string *s)
{
    (void)s;
    return 0;
}

enum candor_string_kind candor_string_kind(const struct candor_string *s)
{
    (void)s;
    return 0;
}

bool candor_string_is_private(const struct candor_string *s)
{
    (void)s;
    return false;
}

enum candor_status candor_scanner_new(const struct candor_rules *rules, struct candor_scanner **out)
{
    (void)rules; (void)out;
    return 0;
}

void candor_scanner_free(struct candor_scanner *s)
{
    (void)s;
    
}

void candor_scanner_set_callback(struct candor_scanner *s, candor_scan_fn fn, void *ctx)
{
    (void)s; (void)fn; (void)ctx;
    
}

void candor_scanner_set_timeout(struct candor_scanner *s, unsigned seconds)
{
    (void)s; (void)seconds;
    
}

void candor_scanner_set_flags(struct candor_scanner *s, unsigned flags)
{
    (void)s; (void)flags;
    
}

void candor_scanner_set_max_rules(struct candor_scanner *s, uint32_t n)
{
    (void)s; (void)n;
    
}

enum candor_status candor_scanner_define_integer(struct candor_scanner *s, const char *name, int64_t value)
{
    (void)s; (void)name; (void)value;
    return 0;
}

enum candor_status candor_scanner_define_float(struct candor_scanner *s, const char *name, double value)
{
    (void)s; (void)name; (void)value;
    return 0;
}

enum candor_status candor_scanner_define_boolean(struct candor_scanner *s, const char *name, bool value)
{
    (void)s; (void)name; (void)value;
    return 0;
}

enum candor_status candor_scanner_define_string(struct candor_scanner *s, const char *name, const char *value)
{
    (void)s; (void)name; (void)value;
    return 0;
}

enum candor_status candor_scanner_scan_mem(struct candor_scanner *s, const uint8_t *data, size_t len)
{
    (void)s; (void)data; (void)len;
    return 0;
}

enum candor_status candor_scanner_scan_file(struct candor_scanner *s, const char *path)
{
    (void)s; (void)path;
    return 0;
}

size_t candor_scanner_matches(const struct candor_scanner *s, const struct candor_string *string, const struct candor_match **out)
{
    (void)s; (void)string; (void)out;
    return 0;
}
