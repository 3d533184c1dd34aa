;; The CPU backend's float32 kernels (issue #13's engine contract; scripts/build-wasm.mjs compiles this into
;; kernels-wasm.ts, once importing a shared memory and once a non-shared one).
;;
;; Rules every export keeps (see the contract in f32-kernels.ts):
;; - The module owns no memory, data or address globals: it imports the backend's heap, and every pointer is a
;;   byte offset into it. Constants live in code (v128.const).
;; - A kernel that can be split across threads ends with (scratch, begin, end): it computes the outputs whose
;;   outer index lies in [begin, end); scratch is a 256 KiB region of its own (SCRATCH_BYTES).
;; - Determinism: each output element is computed by one call, in an order fixed by the shapes alone (never by
;;   begin/end or where a tile falls), so any split into calls gives the same bits.
;; - Float32 arithmetic throughout, SIMD 128-bit; no fused multiply-add (relaxed SIMD would make results
;;   depend on the CPU).
;; - Outputs may overwrite their input (same layout) in the row and elementwise kernels and attention (out = q);
;;   gemm's C and gemv's y must not overlap their inputs.
;;
;; The kernels live in kernels/*.wat, one idea a file; scripts/wat-source.mjs puts each in place of its
;; `;; include` line below (the order of the lines is the order of the functions in the binary).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; include kernels/math.wat
  ;; include kernels/gemm.wat
  ;; include kernels/gemv.wat
  ;; include kernels/attention.wat
  ;; include kernels/rows.wat
  ;; include kernels/elementwise.wat
)
