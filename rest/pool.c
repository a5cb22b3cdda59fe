/* pool.c — see pool.h. */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

#define POOL_MAX 64

typedef struct job {
    azdo_job_fn fn;
    void *arg;
    int *done; /* set to 1 under the lock once fn returned (azdo_pool_wait_done); may be NULL */
    struct job *next;
} job;

typedef struct worker {
    azdo_pool *p;
    azdo_client *client;
    pthread_t thread;
} worker;

struct azdo_pool {
    azdo_client *c;
    int max;
    pthread_mutex_t lock;
    pthread_cond_t wake;    /* a job arrived, a slot freed, or stop */
    pthread_cond_t changed; /* a job started or finished */
    job *head, *tail;
    int queued;             /* jobs waiting in the list */
    int running;            /* jobs being run by workers */
    int idle;               /* workers waiting for a job */
    int limit;              /* jobs allowed to run at once (lowered by throttling) */
    int ok_streak;          /* jobs finished since the limit last changed, without a throttle signal */
    int peak;
    unsigned long seen_throttles;
    int stop;
    int nworkers;
    int spawn_failed;       /* no (more) workers can be started: run inline */
    worker workers[POOL_MAX];
};

azdo_pool *azdo_pool_new(azdo_client *c, int max)
{
    azdo_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->c = c;
    p->max = max < 1 ? 1 : max > POOL_MAX ? POOL_MAX : max;
    p->limit = p->max;
    p->seen_throttles = azdo_client_throttles(c);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->changed, NULL);
    return p;
}

/* Throttle-aware limit, after a job finished (lock held). */
static void adjust_limit(azdo_pool *p, unsigned long throttles)
{
    if (throttles != p->seen_throttles) {
        p->seen_throttles = throttles;
        p->limit = p->limit > 1 ? p->limit / 2 : 1;
        p->ok_streak = 0;
    } else if (p->limit < p->max && ++p->ok_streak >= p->limit) {
        p->limit++;
        p->ok_streak = 0;
        pthread_cond_broadcast(&p->wake);
    }
}

static void *worker_main(void *ud)
{
    worker *w = ud;
    azdo_pool *p = w->p;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && (!p->head || p->running >= p->limit)) {
            p->idle++;
            pthread_cond_wait(&p->wake, &p->lock);
            p->idle--;
        }
        if (!p->head)
            break; /* stop, and nothing left */
        job *j = p->head;
        p->head = j->next;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        p->running++;
        if (p->running > p->peak)
            p->peak = p->running;
        pthread_cond_broadcast(&p->changed);
        pthread_mutex_unlock(&p->lock);

        j->fn(w->client, j->arg);
        int *done = j->done;
        free(j);
        unsigned long t = azdo_client_throttles(p->c);

        pthread_mutex_lock(&p->lock);
        if (done)
            *done = 1;
        p->running--;
        adjust_limit(p, t);
        pthread_cond_broadcast(&p->changed);
        pthread_cond_signal(&p->wake);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Starts one more worker if every one is busy (lock held).  0 when none runs at all. */
static int ensure_worker(azdo_pool *p)
{
    if (p->spawn_failed || p->max <= 1)
        return p->nworkers > 0;
    if (p->idle > 0 || p->nworkers >= p->max)
        return 1;
    worker *w = &p->workers[p->nworkers];
    w->p = p;
    w->client = azdo_client_worker_new(p->c);
    if (!w->client) {
        p->spawn_failed = 1;
        return p->nworkers > 0;
    }
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        azdo_client_free(w->client);
        w->client = NULL;
        p->spawn_failed = 1;
        return p->nworkers > 0;
    }
    p->nworkers++;
    return 1;
}

void azdo_pool_submit(azdo_pool *p, azdo_job_fn fn, void *arg)
{
    azdo_pool_submit_tracked(p, fn, arg, NULL);
}

void azdo_pool_submit_tracked(azdo_pool *p, azdo_job_fn fn, void *arg, int *done)
{
    job *j = malloc(sizeof *j);
    if (done)
        *done = 0;
    pthread_mutex_lock(&p->lock);
    if (!j || !ensure_worker(p)) {
        pthread_mutex_unlock(&p->lock);
        free(j);
        fn(p->c, arg); /* inline: no worker (or no memory for the queue entry) */
        if (done) {
            pthread_mutex_lock(&p->lock);
            *done = 1;
            pthread_mutex_unlock(&p->lock);
        }
        return;
    }
    while (p->queued >= 2 * p->max)
        pthread_cond_wait(&p->changed, &p->lock);
    j->fn = fn;
    j->arg = arg;
    j->done = done;
    j->next = NULL;
    if (p->tail)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    p->queued++;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void azdo_pool_wait(azdo_pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->queued > 0 || p->running > 0)
        pthread_cond_wait(&p->changed, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void azdo_pool_wait_done(azdo_pool *p, const int *done)
{
    pthread_mutex_lock(&p->lock);
    while (!*done)
        pthread_cond_wait(&p->changed, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

int azdo_pool_is_done(azdo_pool *p, const int *done)
{
    pthread_mutex_lock(&p->lock);
    int d = *done;
    pthread_mutex_unlock(&p->lock);
    return d;
}

int azdo_pool_parallel(azdo_pool *p)
{
    return p->max > 1 && azdo_client_can_fork(p->c);
}

int azdo_pool_pending(azdo_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->queued + p->running;
    pthread_mutex_unlock(&p->lock);
    return n;
}

int azdo_pool_peak(azdo_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->peak;
    pthread_mutex_unlock(&p->lock);
    return n;
}

int azdo_pool_limit(azdo_pool *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->limit;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void azdo_pool_free(azdo_pool *p)
{
    if (!p)
        return;
    azdo_pool_wait(p);
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nworkers; i++) {
        pthread_join(p->workers[i].thread, NULL);
        azdo_client_free(p->workers[i].client);
    }
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
