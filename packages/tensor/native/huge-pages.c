/*
 * huge-pages.node: one Node-API function, adviseHugePages(memoryView, fromByte, hugePageBytes), that asks Linux to
 * back a memory's bytes from fromByte on with transparent huge pages (madvise MADV_HUGEPAGE), the way a JVM does
 * for its heap under -XX:+UseTransparentHugePages. On a kernel whose THP mode is `madvise` (Debian's default)
 * anonymous memory gets huge pages only when asked, and a WebAssembly memory cannot ask by itself; with 4 KiB
 * pages a decode step that streams tens of MiB of weights spends much of its time on TLB misses.
 *
 * memoryView is a Uint8Array over the WHOLE memory (its start bounds what may be touched); the advice covers the
 * whole system pages (4 KiB) of [fromByte, end), not only its whole huge pages: the kernel uses a huge page
 * wherever an aligned one lies inside advised memory, so a heap advised piece by piece as it grows (the pieces'
 * mappings merge) gets huge pages across the pieces' edges too.
 *
 * With fromByte > 0 (the heap grew: the bytes before fromByte were advised already), the huge page across that
 * edge is also collapsed (MADV_COLLAPSE, Linux 6.1+; best effort, its failure ignored) when it lies wholly inside
 * the memory: its first part was touched while the rest was not mapped yet, so the kernel gave it small pages.
 * hugePageBytes is the kernel's huge page size (/sys/kernel/mm/transparent_hugepage/hpage_pmd_size; 2 MiB on
 * x86-64).
 *
 * Returns the bytes advised, or -errno when madvise refused.
 * Built by scripts/build-native.mjs against the Node-API headers (node-api-headers), so one binary serves every
 * Node version with Node-API 1.
 */
#define NAPI_VERSION 1
#include <node_api.h>
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1 */
#endif

static napi_value advise_huge_pages(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  double from_byte = 0, huge_page = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_value_double(env, argv[1], &from_byte) != napi_ok || napi_get_value_double(env, argv[2], &huge_page) != napi_ok) {
    napi_throw_type_error(env, NULL, "adviseHugePages(memoryView, fromByte, hugePageBytes): expected a Uint8Array and two numbers");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "adviseHugePages(memoryView, fromByte, hugePageBytes): expected a Uint8Array");
    return NULL;
  }
  if (!(from_byte >= 0 && from_byte <= (double)length)) {
    napi_throw_range_error(env, NULL, "adviseHugePages: fromByte lies outside the memory");
    return NULL;
  }
  /* the whole system pages inside [base + fromByte, base + length): madvise wants a page-aligned start */
  uintptr_t base = (uintptr_t)data;
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = (base + (uintptr_t)from_byte + page - 1) & ~(page - 1);
  uintptr_t end = (base + length) & ~(page - 1);
  double result = 0;
  if (end > start) result = madvise((void *)start, end - start, MADV_HUGEPAGE) == 0 ? (double)(end - start) : -(double)errno;
  /* the huge page across the old end, when all of it lies in the memory (never a neighbour's bytes) */
  uintptr_t huge = (uintptr_t)huge_page;
  if (result > 0 && from_byte > 0 && huge >= page && (huge & (huge - 1)) == 0) {
    uintptr_t edge = start & ~(huge - 1);
    if (edge >= base && edge < start && edge + huge <= end) (void)madvise((void *)edge, huge, MADV_COLLAPSE);
  }
  napi_value out;
  napi_create_double(env, result, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "adviseHugePages", NAPI_AUTO_LENGTH, advise_huge_pages, NULL, &fn);
  napi_set_named_property(env, exports, "adviseHugePages", fn);
  return exports;
}
