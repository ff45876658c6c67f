/*
 * cuckoo.c - the cuckoo module: conditions on a Cuckoo sandbox behaviour
 * report given with `-x cuckoo=REPORT.json` (read with jansson).
 *
 * What each function looks at, as yara 4.2.3 reads a report (each checked
 * against it, tests/cases/cuckoo.case):
 *   network.http_request(re)  network.http[] with string "uri" and
 *                             "method", the method GET or POST (any case)
 *   network.http_get/post(re) the same, GET or POST only
 *   network.http_user_agent   network.http[].user-agent
 *   network.dns_lookup(re)    network.dns[] with string "hostname" and "ip"
 *   network.host(re)          network.hosts[]
 *   network.tcp/udp(re, port) network.tcp[] / udp[]: string "dst",
 *                             integer "dport"
 *   sync.mutex(re)            behavior.summary.mutexes[]
 *   filesystem.file_access    behavior.summary.files[]
 *   registry.key_access       behavior.summary.keys[]
 * Strings are C strings (yara stops at a NUL). Without a report every
 * function is false, as in yara. Elements of the wrong type are skipped
 * (where yara 4.2.3 fails the scan with "error: 4"); a report that is not
 * JSON counts as no report and the command line warns (yara fails each
 * file with "error: 57"); docs/compat.md.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "modules/modules.h"

struct report {
    const uint8_t *input; /* what root was parsed from */
    json_t *root;
};

/* The parsed report, parsed once per scanner and input. */
static json_t *report(struct mod_instance *inst)
{
    struct report *r = inst->persist;

    if (inst->input == NULL)
        return NULL;
    if (r == NULL) {
        if ((r = calloc(1, sizeof(*r))) == NULL)
            return NULL;
        inst->persist = r;
    }
    if (r->input != inst->input) {
        if (r->root != NULL)
            json_decref(r->root);
        r->root = json_loadb((const char *)inst->input, inst->input_len,
                             JSON_ALLOW_NUL, NULL);
        r->input = inst->input;
    }
    return r->root;
}

static void finish(struct mod_instance *inst)
{
    struct report *r = inst->persist;

    if (r == NULL)
        return;
    if (r->root != NULL)
        json_decref(r->root);
    free(r);
    inst->persist = NULL;
}

/* root.a.b as an array, or NULL. */
static json_t *array_at(json_t *root, const char *a, const char *b)
{
    json_t *v = json_object_get(root, a);

    v = json_object_get(v, b);
    return json_is_array(v) ? v : NULL;
}

static const char *string_of(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool re_matches(struct mod_call *c, const char *s)
{
    return s != NULL &&
           c->regex(c->regex_ctx, c->args[0].u.i, (const uint8_t *)s,
                    strlen(s));
}

/* Whether re (argument 0) matches a string of arr; other elements are
 * skipped. */
static void any_string(struct mod_call *c, json_t *arr)
{
    json_t *v;
    size_t i;
    bool found = false;

    json_array_foreach(arr, i, v) {
        if (json_is_string(v) && re_matches(c, json_string_value(v))) {
            found = true;
            break;
        }
    }
    mod_ret_int(c, found);
}

enum http_kind { HTTP_ANY, HTTP_GET, HTTP_POST, HTTP_AGENT };

static void http(struct mod_call *c, enum http_kind kind)
{
    json_t *arr = array_at(report(c->inst), "network", "http"), *v;
    size_t i;
    bool found = false;

    json_array_foreach(arr, i, v) {
        const char *uri = string_of(v, "uri");
        const char *method = string_of(v, "method");
        bool get, post;
        if (kind == HTTP_AGENT) {
            found = re_matches(c, string_of(v, "user-agent"));
        } else if (uri != NULL && method != NULL) {
            get = strcasecmp(method, "GET") == 0;
            post = strcasecmp(method, "POST") == 0;
            if ((kind == HTTP_ANY && (get || post)) ||
                (kind == HTTP_GET && get) || (kind == HTTP_POST && post))
                found = re_matches(c, uri);
        }
        if (found)
            break;
    }
    mod_ret_int(c, found);
}

static void http_request(struct mod_call *c) { http(c, HTTP_ANY); }
static void http_get(struct mod_call *c) { http(c, HTTP_GET); }
static void http_post(struct mod_call *c) { http(c, HTTP_POST); }
static void http_user_agent(struct mod_call *c) { http(c, HTTP_AGENT); }

static void dns_lookup(struct mod_call *c)
{
    json_t *arr = array_at(report(c->inst), "network", "dns"), *v;
    size_t i;
    bool found = false;

    json_array_foreach(arr, i, v) {
        if (string_of(v, "ip") != NULL &&
            re_matches(c, string_of(v, "hostname"))) {
            found = true;
            break;
        }
    }
    mod_ret_int(c, found);
}

static void connection(struct mod_call *c, const char *proto)
{
    json_t *arr = array_at(report(c->inst), "network", proto), *v;
    size_t i;
    bool found = false;

    json_array_foreach(arr, i, v) {
        json_t *port = json_object_get(v, "dport");
        if (json_is_integer(port) &&
            json_integer_value(port) == c->args[1].u.i &&
            re_matches(c, string_of(v, "dst"))) {
            found = true;
            break;
        }
    }
    mod_ret_int(c, found);
}

static void tcp(struct mod_call *c) { connection(c, "tcp"); }
static void udp(struct mod_call *c) { connection(c, "udp"); }
static void host(struct mod_call *c)
{
    any_string(c, array_at(report(c->inst), "network", "hosts"));
}

/* behavior.summary.NAME */
static void summary(struct mod_call *c, const char *name)
{
    json_t *behavior = json_object_get(report(c->inst), "behavior");

    any_string(c, array_at(behavior, "summary", name));
}

static void mutex(struct mod_call *c) { summary(c, "mutexes"); }
static void file_access(struct mod_call *c) { summary(c, "files"); }
static void key_access(struct mod_call *c) { summary(c, "keys"); }

static const struct mod_overload http_request_fns[] = {MOD_FN("r", 'b', http_request)};
static const struct mod_overload http_get_fns[] = {MOD_FN("r", 'b', http_get)};
static const struct mod_overload http_post_fns[] = {MOD_FN("r", 'b', http_post)};
static const struct mod_overload user_agent_fns[] = {MOD_FN("r", 'b', http_user_agent)};
static const struct mod_overload dns_fns[] = {MOD_FN("r", 'b', dns_lookup)};
static const struct mod_overload host_fns[] = {MOD_FN("r", 'b', host)};
static const struct mod_overload tcp_fns[] = {MOD_FN("ri", 'b', tcp)};
static const struct mod_overload udp_fns[] = {MOD_FN("ri", 'b', udp)};
static const struct mod_overload mutex_fns[] = {MOD_FN("r", 'b', mutex)};
static const struct mod_overload file_fns[] = {MOD_FN("r", 'b', file_access)};
static const struct mod_overload key_fns[] = {MOD_FN("r", 'b', key_access)};

static const struct mod_decl network[] = {
    DECL_FUNC("dns_lookup", dns_fns),
    DECL_FUNC("http_get", http_get_fns),
    DECL_FUNC("http_post", http_post_fns),
    DECL_FUNC("http_request", http_request_fns),
    DECL_FUNC("http_user_agent", user_agent_fns),
    DECL_FUNC("host", host_fns),
    DECL_FUNC("tcp", tcp_fns),
    DECL_FUNC("udp", udp_fns),
};
static const struct mod_decl registry[] = {DECL_FUNC("key_access", key_fns)};
static const struct mod_decl filesystem[] = {
    DECL_FUNC("file_access", file_fns)};
static const struct mod_decl sync[] = {DECL_FUNC("mutex", mutex_fns)};

static const struct mod_decl members[] = {
    DECL_STRUCT("network", network),
    DECL_STRUCT("registry", registry),
    DECL_STRUCT("filesystem", filesystem),
    DECL_STRUCT("sync", sync),
};

/* Whether data is a report the module can read. */
static bool check_input(const uint8_t *data, size_t len)
{
    json_t *root = json_loadb((const char *)data, len,
                              JSON_ALLOW_NUL, NULL);

    if (root == NULL)
        return false;
    json_decref(root);
    return true;
}

const struct module module_cuckoo = {
    .name = "cuckoo",
    .root = DECL_STRUCT("cuckoo", members),
    .load = NULL,
    .finish = finish,
    .check_input = check_input,
};
