/*
 * scanner.h - one thread's scanner: matching, conditions, callbacks.
 *
 * struct candor_scanner (the public handle) is defined here. A scanner
 * reads an immutable ruleset and owns everything that changes during a scan:
 * the matcher's scratch (match lists), the VM, the rule results, the
 * external variables' current values and the candor_match array handed to
 * callbacks. Nothing is allocated per file once the first scan has sized
 * the buffers. One scanner per thread.
 */
#ifndef CANDOR_SCAN_SCANNER_H
#define CANDOR_SCAN_SCANNER_H

#include "candor.h"
#include "compile/ruleset.h"
#include "match/match.h"
#include "base/arena.h"
#include "modules/module.h"
#include "scan/vm.h"

struct candor_scanner {
    const struct ruleset *rs;
    struct match_scratch *scratch;
    struct vm vm;
    candor_scan_fn fn;
    void *ctx;
    unsigned flags;
    uint32_t keep_all_marks;     /* RS_STRING_* flag the scratch marks
                                    follow (0: none yet) */
    unsigned timeout_s;
    uint32_t max_rules;
    uint64_t n_reported;         /* matching rules reported, all scans */
    uint8_t *results;            /* per rule */
    struct vm_value *externals;  /* current values */
    char **ext_strings;          /* owned copies of string externals */
    const uint8_t *data;         /* during a scan */
    uint64_t size;
    struct candor_match *cb_matches;
    size_t cb_cap;
    struct arena mod_arena;      /* module values of the current scan */
    struct mod_instance *mods;   /* one per module, module_at order */
    uint32_t n_mods;
    candor_text_fn console;
    void *console_ctx;
    candor_text_fn module_data;
    void *module_data_ctx;
    uint8_t *file_buf;           /* the last small file read */
    size_t file_cap;
};

/* Files up to this size are read into file_buf; larger ones are mapped. */
#define SCAN_READ_MAX ((size_t)16 << 20)

enum candor_status scanner_new(const struct ruleset *rs,
                               struct candor_scanner **out);
void scanner_free(struct candor_scanner *s);
enum candor_status scanner_scan(struct candor_scanner *s, const uint8_t *data,
                                uint64_t size);
enum candor_status scanner_scan_file(struct candor_scanner *s,
                                     const char *path);
/* Sets an external variable's value; value points to a vm_value whose
 * string (if any) the scanner copies. */
enum candor_status scanner_define(struct candor_scanner *s, const char *name,
                                  const struct vm_value *value);

#endif
