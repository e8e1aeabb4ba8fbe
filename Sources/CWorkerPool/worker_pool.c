// The worker pool (CWorkerPool.h). One job at a time: `busy` is taken with a compare-exchange, so a second caller
// (nested inside a part, or another thread) is refused and falls back instead of waiting or deadlocking.
// Publication: the caller writes the job, then stores a new ticket into the slot of each worker the job needs
// (seq_cst); only those workers read the job, and the caller rewrites it only after all of them have finished.
// Completion: each worker increments `finished` (release) after its part; the caller waits until it reaches
// parts - 1 (acquire), so the parts' writes are visible to it.
// Sleeping without a lost wake-up: a worker increments `sleepers` and re-checks its ticket under the mutex; the
// caller stores the tickets, then reads `sleepers` (both seq_cst), and broadcasts under the mutex when one may be
// asleep.
#define _GNU_SOURCE
#include "CWorkerPool.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

enum { MAX_WORKERS = 255, SPINS_BEFORE_SLEEP = 1 << 15 };

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/// A worker's ticket on its own cache line: the job number it should run next.
typedef struct {
    _Alignas(64) atomic_ulong ticket;
} slot;

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static atomic_int busy;
static atomic_int sleepers;
static atomic_int finished;
static slot slots[MAX_WORKERS + 1];  // slot w belongs to the worker that runs part w (w >= 1)
static int started;                  // workers running; changed only by the caller holding `busy`
static unsigned long jobs;           // job counter; changed only by the caller holding `busy`

// The current job (written by the caller before the tickets).
static lw_pool_part_fn job_part;
static void *job_context;

static void *worker_main(void *arg) {
    const int index = (int)(intptr_t)arg;
    atomic_ulong *ticket = &slots[index].ticket;
    unsigned long seen = 0;  // tickets start at 0 and jobs at 1: a worker started for job j still sees ticket j
    for (;;) {
        unsigned long now;
        int spins = 0;
        while ((now = atomic_load(ticket)) == seen && spins < SPINS_BEFORE_SLEEP) {
            cpu_relax();
            spins++;
        }
        if (now == seen) {
            pthread_mutex_lock(&mutex);
            atomic_fetch_add(&sleepers, 1);
            while ((now = atomic_load(ticket)) == seen) pthread_cond_wait(&wake, &mutex);
            atomic_fetch_sub(&sleepers, 1);
            pthread_mutex_unlock(&mutex);
        }
        seen = now;
        job_part(job_context, index);
        atomic_fetch_add_explicit(&finished, 1, memory_order_release);
    }
    return NULL;
}

int lw_pool_run(int parts, lw_pool_part_fn part, void *context) {
    if (parts <= 1) {
        if (parts == 1) part(context, 0);
        return 0;
    }
    if (parts > MAX_WORKERS + 1) return -1;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&busy, &expected, 1)) return -1;
    while (started < parts - 1) {  // start the workers this job needs (they live for the process)
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        const int rc = pthread_create(&thread, &attributes, worker_main, (void *)(intptr_t)(started + 1));
        pthread_attr_destroy(&attributes);
        if (rc != 0) {
            atomic_store(&busy, 0);
            return -1;
        }
        started++;
    }
    job_part = part;
    job_context = context;
    atomic_store_explicit(&finished, 0, memory_order_relaxed);
    jobs++;
    for (int w = 1; w < parts; w++) atomic_store(&slots[w].ticket, jobs);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&mutex);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&mutex);
    }
    part(context, 0);
    int spins = 0;
    while (atomic_load_explicit(&finished, memory_order_acquire) < parts - 1) {
        if (++spins < SPINS_BEFORE_SLEEP) cpu_relax(); else sched_yield();  // yield when workers share our core
    }
    atomic_store(&busy, 0);
    return 0;
}
