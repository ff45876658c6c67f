/* key.c - see key.h. */
#include "key.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads a key file; false with errno-like reason in *why on failure. */
static bool read_key(const char *path, struct rules_key *k, const char **why)
{
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) {
        *why = strerror(errno);
        return false;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = "not a regular file";
    } else if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        *why = "writable by others than its owner";
    } else if (st.st_size <= 0 || st.st_size > KEY_MAX) {
        *why = st.st_size <= 0 ? "empty" : "larger than 4096 bytes";
    } else {
        n = read(fd, k->bytes, (size_t)st.st_size);
        if (n == (ssize_t)st.st_size) {
            k->len = (size_t)n;
            close(fd);
            return true;
        }
        *why = n < 0 ? strerror(errno) : "short read";
    }
    close(fd);
    return false;
}

/* $XDG_CONFIG_HOME, else ~/.config (HOME, else the password database). */
static bool config_dir(char *out, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int n;

    if (xdg != NULL && xdg[0] != '\0') {
        n = snprintf(out, len, "%s", xdg);
    } else {
        if (home == NULL || home[0] == '\0') {
            struct passwd *pw = getpwuid(getuid());
            home = pw != NULL ? pw->pw_dir : NULL;
        }
        if (home == NULL)
            return false;
        n = snprintf(out, len, "%s/.config", home);
    }
    return n > 0 && (size_t)n < len;
}

/* mkdir -p with mode 0700 for the directories it makes. */
static bool make_dirs(const char *path)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return false;
        buf[i] = i == len ? '\0' : '/';
    }
    return true;
}

/*
 * Writes a new random key to path without ever exposing a partial file:
 * a temporary file is filled, then linked to path (which fails if another
 * process made the key first: then that key is used).
 */
static bool create_key(const char *dir, const char *path, const char **why)
{
    uint8_t key[KEY_NEW_LEN];
    char tmp[PATH_MAX];
    size_t got = 0;
    int fd, n;
    bool ok;

    while (got < sizeof(key)) {
        ssize_t r = getrandom(key + got, sizeof(key) - got, 0);
        if (r < 0 && errno != EINTR) {
            *why = strerror(errno);
            return false;
        }
        got += r > 0 ? (size_t)r : 0;
    }
    n = snprintf(tmp, sizeof(tmp), "%s/.rules.key.%ld", dir, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        *why = "path too long";
        return false;
    }
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        *why = strerror(errno);
        return false;
    }
    ok = write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) && fsync(fd) == 0;
    if (close(fd) != 0)
        ok = false;
    if (ok && link(tmp, path) != 0 && errno != EEXIST)
        ok = false;
    if (!ok)
        *why = strerror(errno);
    unlink(tmp);
    return ok;
}

/*
 * The per-user key: read it, or with create make it first. A key that
 * cannot be made is only a warning: the rules are then saved without one.
 */
static bool user_key(bool create, bool quiet, struct rules_key *k)
{
    char dir[PATH_MAX], path[PATH_MAX];
    const char *why = NULL;
    int n;

    if (!config_dir(dir, sizeof(dir)) ||
        strlen(dir) + sizeof("/candor/rules.key") > sizeof(dir))
        return true; /* no home: go on without a key */
    n = snprintf(path, sizeof(path), "%s/candor/rules.key", dir);
    if (n < 0 || (size_t)n >= sizeof(path))
        return true;
    strcat(dir, "/candor");
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        if (!create)
            return true;
        if (!make_dirs(dir))
            why = strerror(errno);
        else
            create_key(dir, path, &why);
        if (why != NULL) {
            if (!quiet)
                fprintf(stderr,
                        "warning: could not create the rules key %s: %s; "
                        "the rules are saved without a key\n",
                        path, why);
            return true;
        }
    }
    if (!read_key(path, k, &why)) {
        fprintf(stderr, "error: could not read rules key %s: %s\n", path,
                why);
        return false;
    }
    return true;
}

bool key_get(const char *option_path, bool create, bool quiet,
             struct rules_key *k)
{
    const char *path = option_path;
    const char *why = NULL;

    k->len = 0;
    if (path == NULL) {
        path = getenv("CANDOR_RULES_KEY_FILE");
        if (path != NULL && path[0] == '\0')
            path = NULL;
    }
    if (path == NULL)
        return user_key(create, quiet, k);
    if (!read_key(path, k, &why)) {
        fprintf(stderr, "error: could not read rules key %s: %s\n", path, why);
        return false;
    }
    return true;
}
