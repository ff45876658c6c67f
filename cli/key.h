/*
 * key.h - the key that authenticates compiled rules (HMAC-SHA256 over the
 * prebuilt pattern databases; see candor_rules_save/load in candor.h).
 *
 * Where the key comes from, first found wins:
 *   1. --rules-key FILE
 *   2. the file named by the environment variable CANDOR_RULES_KEY_FILE
 *   3. the per-user key $XDG_CONFIG_HOME/candor/rules.key, or
 *      ~/.config/candor/rules.key when XDG_CONFIG_HOME is unset or empty.
 * The per-user key is made by `candor compile` when it does not exist: 32
 * bytes from getrandom(2), mode 0600, in a directory of mode 0700 (made
 * with its parents); if it cannot be made, the rules are saved without a
 * key, with a warning. A key
 * named by 1 or 2 must exist. `candor scan -C` without any key loads the
 * rules anyway: the library then rebuilds the pattern databases (slower,
 * equally safe). A key file must be a regular file of 1 to KEY_MAX bytes
 * that neither its group nor others may write.
 */
#ifndef CANDOR_CLI_KEY_H
#define CANDOR_CLI_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEY_MAX 4096
#define KEY_NEW_LEN 32

struct rules_key {
    uint8_t bytes[KEY_MAX];
    size_t len; /* 0: no key */
};

/*
 * Finds and reads the key (option_path is --rules-key, or NULL). With
 * create, makes the per-user key when it is missing; when that fails it
 * warns (unless quiet) and gives no key. Prints an error line to stderr
 * and returns false when a key exists or is named but is unusable.
 */
bool key_get(const char *option_path, bool create, bool quiet,
             struct rules_key *k);

#endif
