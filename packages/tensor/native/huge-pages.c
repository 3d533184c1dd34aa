/*
 * huge-pages.node: one Node-API function, adviseHugePages(view, grownFromAdvised), that asks Linux to back a
 * Uint8Array's bytes with transparent huge pages (madvise MADV_HUGEPAGE), the way a JVM does for its heap under
 * -XX:+UseTransparentHugePages. On a kernel whose THP mode is `madvise` (Debian's default) anonymous
 * memory gets huge pages only when asked, and a WebAssembly memory cannot ask by itself; with 4 KiB pages a decode
 * step that streams tens of MiB of weights spends much of its time on TLB misses.
 *
 * The advice is given on the view's whole system pages (4 KiB), not only on its whole 2 MiB pages: the kernel uses
 * a huge page wherever an aligned 2 MiB lies inside advised memory, so a heap advised piece by piece as it grows
 * (the pieces' mappings merge) gets huge pages across the pieces' edges too.
 *
 * With a second argument true (the view starts where earlier advised memory ends: a heap that grew), the 2 MiB
 * page across that edge is also collapsed into a huge page (MADV_COLLAPSE, Linux 6.1+; best effort): its first
 * part was touched while the rest was not mapped yet, so the kernel gave it small pages, and a heap that grows a
 * dozen times would otherwise keep a dozen such pages out of huge pages.
 *
 * Returns the bytes advised, or -errno when madvise refused.
 * Built by scripts/build-native.mjs against the Node-API headers (node-api-headers), so one binary serves every
 * Node version with Node-API 1.
 */
#define NAPI_VERSION 1
#include <node_api.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1 */
#endif
#define HUGE_PAGE ((uintptr_t)2 << 20)

static napi_value advise_huge_pages(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "adviseHugePages(view): expected one Uint8Array");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "adviseHugePages(view): expected a Uint8Array");
    return NULL;
  }
  /* the whole system pages inside [data, data + length): madvise wants a page-aligned start */
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t)data + page - 1) & ~(page - 1);
  uintptr_t end = ((uintptr_t)data + length) & ~(page - 1);
  bool collapse_edge = false;
  if (argc >= 2 && napi_get_value_bool(env, argv[1], &collapse_edge) != napi_ok) collapse_edge = false;
  double result = 0;
  if (end > start) result = madvise((void *)start, end - start, MADV_HUGEPAGE) == 0 ? (double)(end - start) : -(double)errno;
  uintptr_t edge = start & ~(HUGE_PAGE - 1);
  if (result > 0 && collapse_edge && edge < start && edge + HUGE_PAGE <= end) (void)madvise((void *)edge, HUGE_PAGE, MADV_COLLAPSE);
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
