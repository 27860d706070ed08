/**
 * glibc's malloc settings for refcheck's processes. glibc reads them from the environment when a
 * process starts, so they are set by whatever starts it (Dockerfile, the local stack, the tests'
 * worker), not by the process itself; the worker warns when they are missing.
 *
 * Why: by default glibc raises its trim threshold to twice the largest block it has handed back
 * (up to 64 MB), and gives busy threads arenas of their own (the Temporal core's, V8's, libuv's), so
 * memory a burst used stays with the process. Measured on the worker (issue 8, P5: 100 then 1,000
 * runs asleep, RSS once V8 had shrunk its heaps): 257 -> 338 MB (x1.32) by default;
 * MALLOC_ARENA_MAX=2 alone 235 -> 298 MB (x1.27: glibc's main heap grew from 34 to 102 MB);
 * both settings 197 -> 201 MB (x1.02). musl ignores both.
 */
export const MALLOC_ENV = {
  /** Two arenas, not eight per core: threads share them, so a freed block is reused, not kept aside. */
  MALLOC_ARENA_MAX: '2',
  /** Give back free memory at the top of a heap above 128 KB, always (setting it stops glibc raising it). */
  MALLOC_TRIM_THRESHOLD_: '131072',
} as const;
