// A persistent pool of worker threads for TensorCore's Parallel.forRanges. A `mini` sampling step runs ~300
// parallel ops of 10-100 µs each; waking GCD workers for every one of them cost ~9 % of the step at 2 threads.
// These workers spin briefly on a generation counter after each job (so the next op starts in well under a
// microsecond) and then sleep on a condition variable (so an idle process burns no CPU).
#ifndef LORWEB_CWORKERPOOL_H
#define LORWEB_CWORKERPOOL_H

#ifdef __cplusplus
extern "C" {
#endif

/// One part of a job: part 0 runs on the calling thread, parts 1..<parts on pool workers.
typedef void (*lw_pool_part_fn)(void *context, int part);

/// Runs part(context, p) for every p in 0..<parts and returns when all have finished: 0. Returns -1 without
/// running anything when the pool is already running a job (a nested or concurrent call: the caller then uses
/// another way) or cannot start its threads. parts is at most 256.
int lw_pool_run(int parts, lw_pool_part_fn part, void *context);

#ifdef __cplusplus
}
#endif

#endif
