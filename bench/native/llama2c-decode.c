/* The native C peer of bench/engine-generate.bench.mjs: a single-threaded greedy decoder for llama2.c checkpoints,
 * written for this project (not copied from llama2.c). It follows the algorithm and data layout of llama2.c's run.c
 * so that its speed stands in for run.c's on this machine, in the same run as our engine:
 *  - the float32 weights are mmap'd from the checkpoint and used in place (built with -DREAD_WHOLE: read into
 *    malloc'd memory instead);
 *  - every matrix-vector product is the plain row-by-row loop (out[r] = sum over c of W[r*cols + c] * x[c]), left to
 *    the compiler to vectorise (gcc -Ofast -march=native, or -O3);
 *  - per token: RMSNorm, q/k/v, rotary positions on interleaved pairs, multi-head (grouped-query) attention over a
 *    float key/value cache of [layer][position][kvDim], the output projection, RMSNorm, SwiGLU, the final RMSNorm,
 *    the classifier (the token embedding when shared), argmax.
 *
 * Usage: llama2c-decode <checkpoint.bin> <tokens> [maxSeconds]
 * Feeds BOS (id 1) at position 0, then greedily feeds back each argmax: `tokens` more steps, or fewer when
 * maxSeconds (default: none) passes first or the model's sequence ends. Prints one JSON line:
 * {"ids": [first generated id, ...], "tokensTimed": n, "seconds": s, "tokensPerSecond": n / s}, timed from the first
 * generated token (the BOS step, which also faults the mapped weights in, is not timed), like the bench's other rows.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int dim, hidden, layers, heads, kvHeads, vocab, seqLen;
} Shape;

/* Pointers into the mapped checkpoint, in the file's order. */
typedef struct {
  const float *embedding; /* [vocab][dim] */
  const float *attnNorm;  /* [layers][dim] */
  const float *wq;        /* [layers][dim][dim] */
  const float *wk;        /* [layers][kvDim][dim] */
  const float *wv;        /* [layers][kvDim][dim] */
  const float *wo;        /* [layers][dim][dim] */
  const float *ffnNorm;   /* [layers][dim] */
  const float *w1;        /* [layers][hidden][dim] */
  const float *w2;        /* [layers][dim][hidden] */
  const float *w3;        /* [layers][hidden][dim] */
  const float *finalNorm; /* [dim] */
  const float *classifier; /* [vocab][dim]: the embedding when shared */
} Weights;

/* Activations and the cache, allocated once. */
typedef struct {
  float *x, *xn, *q, *att, *attOut, *proj, *gate, *up, *logits;
  float *keys, *values; /* [layers][seqLen][kvDim] */
} State;

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "llama2c-decode: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  exit(1);
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static float *zeros(size_t n) {
  float *p = calloc(n, sizeof(float));
  if (!p) fail("out of memory", NULL);
  return p;
}

/* out[r] = W[r, :] · x for W of [rows][cols]: the plain loop, one row at a time. */
static void gemv(float *restrict out, const float *restrict w, const float *restrict x, int rows, int cols) {
  for (int r = 0; r < rows; r++) {
    const float *row = w + (size_t)r * cols;
    float acc = 0.0f;
    for (int c = 0; c < cols; c++) acc += row[c] * x[c];
    out[r] = acc;
  }
}

/* out = x / sqrt(mean(x²) + 1e-5) * gain */
static void rmsNorm(float *restrict out, const float *restrict x, const float *restrict gain, int n) {
  float squares = 0.0f;
  for (int i = 0; i < n; i++) squares += x[i] * x[i];
  float scale = 1.0f / sqrtf(squares / (float)n + 1e-5f);
  for (int i = 0; i < n; i++) out[i] = gain[i] * (scale * x[i]);
}

/* in place, over the first n values */
static void softmax(float *v, int n) {
  float top = v[0];
  for (int i = 1; i < n; i++)
    if (v[i] > top) top = v[i];
  float total = 0.0f;
  for (int i = 0; i < n; i++) {
    v[i] = expf(v[i] - top);
    total += v[i];
  }
  for (int i = 0; i < n; i++) v[i] /= total;
}

/* Rotates the pairs (v[2i], v[2i+1]) of each head of `width` values by pos · 10000^(-2i / headSize). */
static void rotate(float *v, int width, int headSize, int pos) {
  for (int at = 0; at < width; at += 2) {
    int inHead = at % headSize;
    float angle = (float)pos * (1.0f / powf(10000.0f, (float)inHead / (float)headSize));
    float c = cosf(angle), s = sinf(angle);
    float a = v[at], b = v[at + 1];
    v[at] = a * c - b * s;
    v[at + 1] = a * s + b * c;
  }
}

/* One token at `pos` through the model; leaves the logits in s->logits. */
static void step(const Shape *m, const Weights *w, State *s, int token, int pos) {
  const int dim = m->dim, hidden = m->hidden, headSize = dim / m->heads;
  const int kvDim = m->kvHeads * headSize, group = m->heads / m->kvHeads;
  const float invSqrtHead = 1.0f / sqrtf((float)headSize);
  memcpy(s->x, w->embedding + (size_t)token * dim, (size_t)dim * sizeof(float));

  for (int l = 0; l < m->layers; l++) {
    const size_t cacheAt = ((size_t)l * m->seqLen) * kvDim;
    float *k = s->keys + cacheAt + (size_t)pos * kvDim;
    float *v = s->values + cacheAt + (size_t)pos * kvDim;

    rmsNorm(s->xn, s->x, w->attnNorm + (size_t)l * dim, dim);
    gemv(s->q, w->wq + (size_t)l * dim * dim, s->xn, dim, dim);
    gemv(k, w->wk + (size_t)l * kvDim * dim, s->xn, kvDim, dim);
    gemv(v, w->wv + (size_t)l * kvDim * dim, s->xn, kvDim, dim);
    rotate(s->q, dim, headSize, pos);
    rotate(k, kvDim, headSize, pos);

    for (int h = 0; h < m->heads; h++) {
      const float *qh = s->q + (size_t)h * headSize;
      const size_t kvOffset = (size_t)(h / group) * headSize;
      float *scores = s->att + (size_t)h * m->seqLen;
      for (int t = 0; t <= pos; t++) {
        const float *kt = s->keys + cacheAt + (size_t)t * kvDim + kvOffset;
        float dot = 0.0f;
        for (int i = 0; i < headSize; i++) dot += qh[i] * kt[i];
        scores[t] = dot * invSqrtHead;
      }
      softmax(scores, pos + 1);
      float *oh = s->attOut + (size_t)h * headSize;
      memset(oh, 0, (size_t)headSize * sizeof(float));
      for (int t = 0; t <= pos; t++) {
        const float *vt = s->values + cacheAt + (size_t)t * kvDim + kvOffset;
        const float p = scores[t];
        for (int i = 0; i < headSize; i++) oh[i] += p * vt[i];
      }
    }
    gemv(s->proj, w->wo + (size_t)l * dim * dim, s->attOut, dim, dim);
    for (int i = 0; i < dim; i++) s->x[i] += s->proj[i];

    rmsNorm(s->xn, s->x, w->ffnNorm + (size_t)l * dim, dim);
    gemv(s->gate, w->w1 + (size_t)l * hidden * dim, s->xn, hidden, dim);
    gemv(s->up, w->w3 + (size_t)l * hidden * dim, s->xn, hidden, dim);
    for (int i = 0; i < hidden; i++) {
      const float g = s->gate[i];
      s->gate[i] = g / (1.0f + expf(-g)) * s->up[i]; /* SiLU(gate) · up */
    }
    gemv(s->proj, w->w2 + (size_t)l * dim * hidden, s->gate, dim, hidden);
    for (int i = 0; i < dim; i++) s->x[i] += s->proj[i];
  }
  rmsNorm(s->xn, s->x, w->finalNorm, dim);
  gemv(s->logits, w->classifier, s->xn, m->vocab, dim);
}

/* the first index of the largest value, as a stable greedy choice */
static int argmax(const float *v, int n) {
  int best = 0;
  for (int i = 1; i < n; i++)
    if (v[i] > v[best]) best = i;
  return best;
}

int main(int argc, char **argv) {
  if (argc < 3) fail("usage", "llama2c-decode <checkpoint.bin> <tokens> [maxSeconds]");
  const int tokens = atoi(argv[2]);
  const double maxSeconds = argc > 3 ? atof(argv[3]) : 0.0;
  if (tokens < 1) fail("tokens must be a positive integer", argv[2]);

  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) fail("cannot open the checkpoint", argv[1]);
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < 28) fail("the checkpoint is shorter than its 28-byte header", argv[1]);
#ifdef READ_WHOLE
  /* the weights copied into malloc'd (anonymous) memory instead, as a WebAssembly heap holds them: a separate row of
   * the bench, which shows how much of the speed is the file mapping rather than the code */
  void *mapped = malloc((size_t)st.st_size);
  if (!mapped) fail("out of memory", NULL);
  for (size_t got = 0; got < (size_t)st.st_size;) {
    ssize_t n = read(fd, (char *)mapped + got, (size_t)st.st_size - got);
    if (n <= 0) fail("cannot read the checkpoint", argv[1]);
    got += (size_t)n;
  }
#else
  const void *mapped = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (mapped == MAP_FAILED) fail("cannot map the checkpoint", argv[1]);
#endif
  close(fd);

  int header[7];
  memcpy(header, mapped, sizeof header);
  Shape m = {header[0], header[1], header[2], header[3], header[4], abs(header[5]), header[6]};
  const int shared = header[5] > 0; /* llama2.c: a negative vocab size means a separate classifier follows */
  if (m.dim <= 0 || m.hidden <= 0 || m.layers <= 0 || m.heads <= 0 || m.kvHeads <= 0 || m.vocab <= 0 || m.seqLen <= 0 ||
      m.dim % m.heads != 0 || m.heads % m.kvHeads != 0 || (m.dim / m.heads) % 2 != 0)
    fail("the checkpoint's header is not a llama2.c shape (positive sizes, dim divisible by heads, heads by kvHeads, even head size)", argv[1]);
  const size_t dim = m.dim, hidden = m.hidden, layers = m.layers, headSize = dim / m.heads;
  const size_t kvDim = m.kvHeads * headSize;

  const float *p = (const float *)((const char *)mapped + 28);
  Weights w;
  w.embedding = p; p += (size_t)m.vocab * dim;
  w.attnNorm = p; p += layers * dim;
  w.wq = p; p += layers * dim * dim;
  w.wk = p; p += layers * kvDim * dim;
  w.wv = p; p += layers * kvDim * dim;
  w.wo = p; p += layers * dim * dim;
  w.ffnNorm = p; p += layers * dim;
  w.w1 = p; p += layers * hidden * dim;
  w.w2 = p; p += layers * dim * hidden;
  w.w3 = p; p += layers * hidden * dim;
  w.finalNorm = p; p += dim;
  p += (size_t)m.seqLen * headSize; /* the two unused rotary tables, seqLen · headSize / 2 each */
  w.classifier = shared ? w.embedding : p;
  if (!shared) p += (size_t)m.vocab * dim;
  if ((const char *)p - (const char *)mapped > st.st_size) fail("the checkpoint is shorter than its header's shape needs", argv[1]);

  State s;
  s.x = zeros(dim); s.xn = zeros(dim); s.q = zeros(dim); s.attOut = zeros(dim); s.proj = zeros(dim);
  s.att = zeros((size_t)m.heads * m.seqLen);
  s.gate = zeros(hidden); s.up = zeros(hidden);
  s.logits = zeros((size_t)m.vocab);
  s.keys = zeros(layers * m.seqLen * kvDim);
  s.values = zeros(layers * m.seqLen * kvDim);

  int *ids = malloc(sizeof(int) * ((size_t)tokens + 1));
  if (!ids) fail("out of memory", NULL);
  step(&m, &w, &s, 1, 0);
  ids[0] = argmax(s.logits, m.vocab);
  int made = 1;
  const double t0 = seconds();
  double elapsed = 0.0;
  while (made <= tokens && made < m.seqLen) {
    step(&m, &w, &s, ids[made - 1], made);
    ids[made] = argmax(s.logits, m.vocab);
    made++;
    elapsed = seconds() - t0;
    if (maxSeconds > 0 && elapsed >= maxSeconds) break;
  }

  printf("{\"ids\": [");
  for (int i = 0; i < made; i++) printf("%s%d", i ? ", " : "", ids[i]);
  printf("], \"tokensTimed\": %d, \"seconds\": %.9f, \"tokensPerSecond\": %.3f}\n", made - 1, elapsed, elapsed > 0 ? (made - 1) / elapsed : 0.0);
  return 0;
}
