/*
 * pool.h - a fixed set of threads that scan the paths a producer pushes.
 *
 * The producer (the directory walk, in the main thread) pushes paths in
 * order; a bounded queue makes it wait when the workers fall behind, so a
 * huge tree never sits in memory. Each worker runs job(worker_ctx[i], path)
 * and frees nothing: the pool frees each path after its job. With one
 * thread, jobs run in push order.
 */
#ifndef CANDOR_CLI_POOL_H
#define CANDOR_CLI_POOL_H

#include <stdbool.h>

#include "candor.h"

struct pool;

typedef void (*pool_job_fn)(void *worker_ctx, const char *path);

/*
 * Starts n_threads workers; worker i gets worker_ctx[i]. Fails with
 * CANDOR_ERROR_NOMEM, or CANDOR_ERROR_INTERNAL when no thread could start.
 */
enum candor_status pool_new(int n_threads, pool_job_fn job, void **worker_ctx,
                            struct pool **out);
/* Queues path (taking ownership); waits while the queue is full. */
void pool_push(struct pool *p, char *path);
/* Waits until every queued job is done, stops the threads, frees p. */
void pool_free(struct pool *p);

#endif
