/* walk.c - see walk.h. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A directory being walked, linked to the one that contains it. */
struct frame {
    dev_t dev;
    ino_t ino;
    const struct frame *up;
};

struct walker {
    const struct walk_opts *opts;
    walk_fn fn;
    void *ctx;
    struct output *out;
};

static bool on_stack(const struct frame *f, const struct stat *st)
{
    for (; f != NULL; f = f->up) {
        if (f->dev == st->st_dev && f->ino == st->st_ino)
            return true;
    }
    return false;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);

    if (p != NULL) {
        memcpy(p, dir, a);
        p[a] = '/';
        memcpy(p + a + 1, name, b + 1);
    }
    return p;
}

static bool walk(struct walker *w, const char *dir, const struct frame *up,
                 const struct stat *dir_st);

/* One directory entry: hand it on, enter it, or skip it. */
static bool entry(struct walker *w, char *path, const struct frame *up)
{
    struct stat st;
    int rc = w->opts->follow ? stat(path, &st) : lstat(path, &st);

    if (rc != 0) {
        output_warning(w->out, "warning: skipping %s: %s", path,
                       strerror(errno));
    } else if (S_ISREG(st.st_mode)) {
        long long max = w->opts->skip_larger;
        if (max > 0 && (long long)st.st_size >= max) {
            output_error(w->out,
                         "skipping %s (%lld bytes) because it's larger than "
                         "%lld bytes.",
                         path, (long long)st.st_size, max);
        } else {
            return w->fn(w->ctx, path); /* the visitor owns path now */
        }
    } else if (S_ISDIR(st.st_mode)) {
        bool ok = true;
        if (w->opts->recursive && !on_stack(up, &st))
            ok = walk(w, path, up, &st);
        free(path);
        return ok;
    } else if (!S_ISLNK(st.st_mode)) {
        output_warning(w->out, "warning: skipping %s: not a regular file",
                       path);
    }
    free(path);
    return true;
}

static bool walk(struct walker *w, const char *dir, const struct frame *up,
                 const struct stat *dir_st)
{
    struct frame self = {dir_st->st_dev, dir_st->st_ino, up};
    DIR *d = opendir(dir);
    struct dirent *e;
    bool ok = true;

    if (d == NULL) {
        output_warning(w->out, "warning: cannot read directory %s: %s", dir,
                       strerror(errno));
        return true;
    }
    while (ok && (e = readdir(d)) != NULL) {
        char *path;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        path = join(dir, e->d_name);
        ok = path != NULL && entry(w, path, &self);
    }
    closedir(d);
    return ok;
}

bool walk_dir(const char *dir, const struct walk_opts *opts, walk_fn fn,
              void *ctx, struct output *out)
{
    struct walker w = {opts, fn, ctx, out};
    struct stat st;

    if (stat(dir, &st) != 0) {
        output_warning(out, "warning: cannot read directory %s: %s", dir,
                       strerror(errno));
        return true;
    }
    return walk(&w, dir, NULL, &st);
}
