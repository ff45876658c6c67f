/* fstree.c - see fstree.h. */
#include "unpack/fstree.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"

#define KEY_LEN 9 /* a tag byte, then the identity, little-endian */

void fstree_init(struct fstree *t)
{
    memset(t, 0, sizeof(*t));
    map_init(&t->seen);
    arena_init(&t->keys, 64u * 1024);
}

void fstree_fini(struct fstree *t)
{
    for (size_t i = 0; i < t->n_dirs; i++)
        mem_free(t->dirs[i].path);
    mem_free(t->dirs);
    mem_free(t->path);
    map_fini(&t->seen);
    arena_fini(&t->keys);
    memset(t, 0, sizeof(*t));
}

void fstree_close(struct fstree *t, void (*free_cursor)(void *))
{
    while (fstree_top(t) != NULL)
        free_cursor(fstree_pop(t));
    fstree_fini(t);
}

void *fstree_pop(struct fstree *t)
{
    struct fstree_dir *d = fstree_top(t);
    void *cursor;

    if (d == NULL)
        return NULL;
    cursor = d->cursor;
    mem_free(d->path);
    t->n_dirs--;
    return cursor;
}

enum fstree_status fstree_name(struct fstree *t, const char *name, size_t len)
{
    const struct fstree_dir *d = fstree_top(t);
    size_t dir_len = d != NULL ? d->len : 0;
    size_t sep = dir_len > 0;
    const char *nul = memchr(name, '\0', len);

    if (nul != NULL)
        len = (size_t)(nul - name);
    if (t->path == NULL && (t->path = mem_alloc(FSTREE_MAX_PATH + 1)) == NULL)
        return FSTREE_NOMEM;
    if (len > FSTREE_MAX_PATH - dir_len - sep) {
        t->path[0] = '\0';
        t->path_len = 0;
        return FSTREE_LONG;
    }
    if (dir_len > 0)
        memcpy(t->path, d->path, dir_len);
    t->path[dir_len] = '/';
    memcpy(t->path + dir_len + sep, name, len);
    t->path_len = dir_len + sep + len;
    t->path[t->path_len] = '\0';
    return FSTREE_OK;
}

static bool room(const struct fstree *t, size_t more)
{
    return t->keys.total + t->seen.cap * sizeof(struct map_slot) + more <=
           FSTREE_MAX_MEMORY;
}

static void make_key(char key[KEY_LEN], char tag, uint64_t id)
{
    key[0] = tag;
    for (int i = 0; i < 8; i++)
        key[1 + i] = (char)(id >> (8 * i));
}

/* Remembers tag + id with value; FSTREE_FULL when there is no room. */
static enum fstree_status remember(struct fstree *t, const char *key,
                                   uint64_t value)
{
    char *copy;

    /* The map may double: count its next size. */
    if (!room(t, KEY_LEN + t->seen.cap * sizeof(struct map_slot)))
        return FSTREE_FULL;
    copy = arena_memdup(&t->keys, key, KEY_LEN);
    if (copy == NULL || !map_put(&t->seen, copy, KEY_LEN, value))
        return FSTREE_NOMEM;
    return FSTREE_OK;
}

enum fstree_status fstree_push(struct fstree *t, uint64_t id, void *cursor)
{
    char key[KEY_LEN];
    uint64_t unused;
    enum fstree_status rc;
    struct fstree_dir *d;

    make_key(key, 'd', id);
    if (map_get(&t->seen, key, KEY_LEN, &unused))
        return FSTREE_SEEN;
    if (t->n_dirs >= FSTREE_MAX_DEPTH)
        return FSTREE_DEEP;
    if (t->n_dirs == t->cap_dirs) {
        size_t cap = t->cap_dirs ? t->cap_dirs * 2 : 16;
        d = mem_realloc_array(t->dirs, cap, sizeof(*d));
        if (d == NULL)
            return FSTREE_NOMEM;
        t->dirs = d;
        t->cap_dirs = cap;
    }
    rc = remember(t, key, 0);
    if (rc != FSTREE_OK)
        return rc;
    d = &t->dirs[t->n_dirs];
    d->len = t->n_dirs > 0 ? t->path_len : 0;
    d->path = mem_memdup(d->len > 0 ? t->path : "", d->len + 1);
    if (d->path == NULL)
        return FSTREE_NOMEM;
    d->cursor = cursor;
    t->n_dirs++;
    return FSTREE_OK;
}

const char *fstree_link(struct fstree *t, uint64_t id)
{
    char key[KEY_LEN];
    uint64_t value;
    char *first;

    make_key(key, 'l', id);
    if (map_get(&t->seen, key, KEY_LEN, &value))
        return (const char *)(uintptr_t)value;
    if (!room(t, t->path_len + 1))
        return NULL;
    first = arena_memdup(&t->keys, fstree_path(t), t->path_len);
    if (first != NULL)
        remember(t, key, (uint64_t)(uintptr_t)first);
    return NULL;
}

const char *fstree_status_str(enum fstree_status s)
{
    switch (s) {
    case FSTREE_OK: return "ok";
    case FSTREE_SEEN:
        return "a directory already read (a loop, or a directory linked "
               "twice): not read again";
    case FSTREE_DEEP: return "directories nested too deep: not read";
    case FSTREE_LONG: return "path too long: not read";
    case FSTREE_FULL: return "too many directories to track: not read";
    case FSTREE_NOMEM: return "out of memory";
    }
    return "?";
}

void fstree_warn(char *buf, size_t cap, const char *fmt, ...)
{
    size_t used = strnlen(buf, cap);
    va_list ap;

    if (used + 3 > cap)
        return;
    if (used > 0) {
        memcpy(buf + used, "; ", 3);
        used += 2;
    }
    va_start(ap, fmt);
    vsnprintf(buf + used, cap - used, fmt, ap);
    va_end(ap);
}
