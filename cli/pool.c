/* pool.c - see pool.h. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

#define QUEUE_PER_THREAD 64

struct worker {
    struct pool *pool;
    void *ctx;
    pthread_t thread;
};

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    char **queue; /* a ring of cap paths */
    size_t cap, head, n;
    bool closing;
    pool_job_fn job;
    struct worker *workers;
    int n_workers;
};

/* The next path, or NULL once the pool closes with an empty queue. */
static char *take(struct pool *p)
{
    char *path = NULL;

    pthread_mutex_lock(&p->lock);
    while (p->n == 0 && !p->closing)
        pthread_cond_wait(&p->not_empty, &p->lock);
    if (p->n > 0) {
        path = p->queue[p->head];
        p->head = (p->head + 1) % p->cap;
        p->n--;
        pthread_cond_signal(&p->not_full);
    }
    pthread_mutex_unlock(&p->lock);
    return path;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    char *path;

    while ((path = take(w->pool)) != NULL) {
        w->pool->job(w->ctx, path);
        free(path);
    }
    return NULL;
}

static void destroy(struct pool *p)
{
    pthread_cond_destroy(&p->not_full);
    pthread_cond_destroy(&p->not_empty);
    pthread_mutex_destroy(&p->lock);
    free(p->workers);
    free(p->queue);
    free(p);
}

enum candor_status pool_new(int n_threads, pool_job_fn job, void **worker_ctx,
                            struct pool **out)
{
    struct pool *p = calloc(1, sizeof(*p));

    if (p == NULL)
        return CANDOR_ERROR_NOMEM;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->not_empty, NULL);
    pthread_cond_init(&p->not_full, NULL);
    p->job = job;
    p->cap = (size_t)n_threads * QUEUE_PER_THREAD;
    p->queue = calloc(p->cap, sizeof(*p->queue));
    p->workers = calloc((size_t)n_threads, sizeof(*p->workers));
    if (p->queue == NULL || p->workers == NULL) {
        destroy(p);
        return CANDOR_ERROR_NOMEM;
    }
    for (int i = 0; i < n_threads; i++) {
        struct worker *w = &p->workers[p->n_workers];
        w->pool = p;
        w->ctx = worker_ctx[i];
        if (pthread_create(&w->thread, NULL, work, w) == 0)
            p->n_workers++;
    }
    if (p->n_workers == 0) {
        destroy(p);
        return CANDOR_ERROR_INTERNAL;
    }
    *out = p;
    return CANDOR_OK;
}

void pool_push(struct pool *p, char *path)
{
    pthread_mutex_lock(&p->lock);
    while (p->n == p->cap)
        pthread_cond_wait(&p->not_full, &p->lock);
    p->queue[(p->head + p->n) % p->cap] = path;
    p->n++;
    pthread_cond_signal(&p->not_empty);
    pthread_mutex_unlock(&p->lock);
}

void pool_free(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->closing = true;
    pthread_cond_broadcast(&p->not_empty);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n_workers; i++)
        pthread_join(p->workers[i].thread, NULL);
    destroy(p);
}
