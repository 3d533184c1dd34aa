/* The native row of bench/gemv-roofline.bench.mjs: how fast one thread of this machine reads memory from C, next to
 * the same measurements in WebAssembly. Compiled by the bench with the system C compiler (cc -O3 -march=native
 * -ffast-math, i.e. what llama2.c's `make runfast` uses) when one is installed.
 *
 * One process run = one round: allocate a 64 MiB block and the random 15M Llama's 42 matrices (the 61 MB a decode
 * step reads), fill them, read everything once unmeasured (page faults, frequency), then time each task REPS
 * times, in an order rotated by argv[1] and the pass, and print {"task": [seconds, ...], ...} as JSON. The bench interleaves rounds with its
 * WebAssembly rows. The gemv is the plain loop of llama2.c's run.c matmul (written here, not copied), which the
 * compiler vectorises on its own.
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* the plain loop, vectorised by the compiler (-ffast-math lets it reorder the sum) */
__attribute__((noinline)) static float sumPlain(const float *p, long n) {
  float s = 0;
  for (long i = 0; i < n; i++) s += p[i];
  return s;
}

/* 8 accumulators of 4 lanes: the widest WebAssembly SIMD has, so the same instructions a wasm sum can compile to */
__attribute__((noinline)) static float sum128(const float *p, long n) {
  __m128 a[8];
  for (int j = 0; j < 8; j++) a[j] = _mm_setzero_ps();
  for (long i = 0; i < n; i += 32)
    for (int j = 0; j < 8; j++) a[j] = _mm_add_ps(a[j], _mm_loadu_ps(p + i + 4 * j));
  for (int j = 1; j < 8; j++) a[0] = _mm_add_ps(a[0], a[j]);
  return a[0][0] + a[0][1] + a[0][2] + a[0][3];
}

#ifdef __AVX2__
/* 8 accumulators of 8 lanes (AVX2) */
__attribute__((noinline)) static float sum256(const float *p, long n) {
  __m256 a[8];
  for (int j = 0; j < 8; j++) a[j] = _mm256_setzero_ps();
  for (long i = 0; i < n; i += 64)
    for (int j = 0; j < 8; j++) a[j] = _mm256_add_ps(a[j], _mm256_loadu_ps(p + i + 8 * j));
  for (int j = 1; j < 8; j++) a[0] = _mm256_add_ps(a[0], a[j]);
  return a[0][0] + a[0][7];
}
#endif

/* W [d, n] row-major times x [n]: the shape of run.c's matmul */
__attribute__((noinline)) static void gemv(float *y, const float *x, const float *w, int n, int d) {
  for (int i = 0; i < d; i++) {
    float v = 0.0f;
    for (int j = 0; j < n; j++) v += w[(long)i * n + j] * x[j];
    y[i] = v;
  }
}

enum { DIM = 288, HIDDEN = 768, LAYERS = 6, VOCAB = 32000, REPS = 8 };

static void decodeStep(const float *w, const float *x, float *y) {
  const float *q = w;
  for (int l = 0; l < LAYERS; l++) {
    for (int m = 0; m < 4; m++, q += DIM * DIM) gemv(y, x, q, DIM, DIM); /* wq wk wv wo */
    for (int m = 0; m < 2; m++, q += DIM * HIDDEN) gemv(y, x, q, DIM, HIDDEN); /* w1 w3 */
    gemv(y, x, q, HIDDEN, DIM); /* w2 */
    q += DIM * HIDDEN;
  }
  gemv(y, x, q, DIM, VOCAB); /* the classifier */
}

int main(int argc, char **argv) {
  int round = argc > 1 ? atoi(argv[1]) : 0;
  long sumBytes = 64L << 20, n = sumBytes / 4;
  long wn = (long)LAYERS * (4 * DIM * DIM + 3 * DIM * HIDDEN) + (long)VOCAB * DIM;
  float *p = aligned_alloc(64, sumBytes), *w = aligned_alloc(64, wn * 4);
  float *x = aligned_alloc(64, HIDDEN * 4), *y = aligned_alloc(64, VOCAB * 4);
  if (!p || !w || !x || !y) return 1;
  unsigned s = 1;
  for (long i = 0; i < n; i++) p[i] = (float)((s = s * 1103515245u + 12345u) >> 8) / 16777216.0f - 0.5f;
  for (long i = 0; i < wn; i++) w[i] = (float)((s = s * 1103515245u + 12345u) >> 8) / 16777216.0f - 0.5f;
  for (int i = 0; i < HIDDEN; i++) x[i] = (float)i / HIDDEN - 0.5f;
  const char *names[] = {
    "native sum, plain loop (-O3 -march=native -ffast-math), 64 MiB",
    "native sum, SSE 8 accumulators of 4 lanes, 64 MiB",
#ifdef __AVX2__
    "native sum, AVX2 8 accumulators of 8 lanes, 64 MiB",
#endif
    "native gemv, run.c's loop (-O3 -march=native -ffast-math), the 15M decode step (42 matrices, 61 MB)",
  };
  const int tasks = sizeof names / sizeof names[0];
  static double seconds[4][REPS];
  volatile float sink = 0;
  /* pass 0 unmeasured (page faults, frequency), then REPS measured passes, the order rotating */
  for (int pass = 0; pass <= REPS; pass++) {
    for (int i = 0; i < tasks; i++) {
      int t = (i + round + pass) % tasks;
      double t0 = now();
      if (t == 0) sink += sumPlain(p, n);
      else if (t == 1) sink += sum128(p, n);
#ifdef __AVX2__
      else if (t == 2) sink += sum256(p, n);
#endif
      else {
        decodeStep(w, x, y);
        sink += y[VOCAB - 1];
      }
      if (pass > 0) seconds[t][pass - 1] = now() - t0;
    }
  }
  printf("{");
  for (int t = 0; t < tasks; t++) {
    printf("%s\"%s\": [", t ? ", " : "", names[t]);
    for (int r = 0; r < REPS; r++) printf("%s%.9f", r ? ", " : "", seconds[t][r]);
    printf("]");
  }
  printf(", \"bytes\": {\"sum\": %ld, \"gemv\": %ld}}\n", sumBytes, wn * 4);
  return sink == 12345.0f ? 2 : 0;
}
