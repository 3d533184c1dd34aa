;; Packed-weight kernels (scripts/build-wasm.mjs compiles this into quant-kernels-wasm.ts; only the
;; @transformer-kit/tensor/quant entry imports it). The module owns no memory: it imports the CPU backend's heap
;; and reads weights, activations and scratch where the caller put them (byte offsets, 16-byte aligned).
;;
;; y[i·n + j] = Σ_p x[i, p] · W[j, p] for a packed weight W [n, k] of ggml type `type` and m activation rows,
;; as llama.cpp computes it, but with 16-bit activations: `quantizeActivations` writes x ≈ xd · xq per 32-block,
;; xq an i16 in [-32767, 32767], and xs[b] = Σ xq (for the types with an offset). Weight codes times xq are exact
;; integer dot products (i32x4.dot_i16x8_s); floats enter once per 32-block.
;;
;; qmatmul(type, w, n, rowBytes, kb, k, x, xd, xs, m, y, scratch, begin, end) does the weight rows (outputs)
;; j in [begin, end): with one activation row, q4_0, q8_0, q4_k and q6_k have fused kernels (decode and dot in one
;; pass; q6_k only in its split layout, type 270, which the quant entry writes from ggml's bytes); otherwise rows are first unpacked into scratch (i16 codes and a float scale and offset per 32-block)
;; and every activation row is dotted with them, so a prompt of m rows decodes each weight row once. An output
;; element is computed by one call in an order that depends on nothing but its row, m and the type (determinism
;; for any thread split). Scratch: 256 KiB (SCRATCH_BYTES); a row of k needs 2k + k/4 bytes of it.
;;
;; Integer lanes stay below 2^31 (|xq| ≤ 32767): a lane sums 8 products of a 32-block (codes ≤ 31, or ≤ 4096 for
;; q6_k's (q - 32)·sc, unpacked), or q6_k's fused 2 groups · 4 products · 128 · 32.
(module
  (import "env" "memory" (memory 1 65536 shared))
  ;; $sink: written, never read. NOTE: V8 (TurboFan) keeps loads in program order but schedules arithmetic late, so
  ;; the loads of a long straight run of groups all come first and their values spill; a store between groups is
  ;; an ordering point (the next group's loads stay after it), which measured 4% faster for q6_k's fused kernel.
  (global $sink (mut v128) (v128.const i32x4 0 0 0 0))

  ;; An f16 scale h is read inline as (block (result f32) (local.set $hh h) …), exactly: a normal's bits moved
  ;; to f32's places with the exponent rebased (+112), a subnormal as its mantissa · 2^-24, infinities and NaNs
  ;; rebuilt, then the sign. NOTE: no float arithmetic on f32 subnormals (the K-quants' small d and dmin are
  ;; often f16 subnormals; a multiply with a subnormal operand costs a microcode assist on x86). Helpers are
  ;; written out at each use in the loops: V8 does not inline WebAssembly calls, and a call spills the SIMD
  ;; registers. The fused kernels sum a row's lanes inline in $hsum's order ($hsum called per row was 3% of a
  ;; decode step).

  (func $hsum (param $v v128) (result f32)
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
             (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; ---- fused one-row kernels (decode) -------------------------------------------------------------------

  ;; one row of q8_0 (kb blocks of {f16 d; i8 q[32]}) · one activation row, for the rows [j, end) of W at $w
  (func $rows_q8_0 (param $w i32) (param $rowBytes i32) (param $kb i32) (param $x0 i32) (param $xd0 i32) (param $y i32) (param $j i32) (param $end i32)
    (local $row i32) (local $x i32) (local $xd i32)
    (local $hh i32) (local $b i32) (local $acc v128) (local $w0 v128) (local $w1 v128)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $row (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $x (local.get $x0))
        (local.set $xd (local.get $xd0))
        (local.set $b (i32.const 0))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (block $done
          (loop $blocks
            (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
            (local.set $w0 (v128.load offset=2 (local.get $row)))
            (local.set $w1 (v128.load offset=18 (local.get $row)))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
              (f32x4.splat (f32.mul (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))) (f32.load (local.get $xd))))
              (f32x4.convert_i32x4_s (i32x4.add
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w0)) (v128.load (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w0)) (v128.load offset=16 (local.get $x))))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w1)) (v128.load offset=32 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w1)) (v128.load offset=48 (local.get $x)))))))))
            (local.set $row (i32.add (local.get $row) (i32.const 34)))
            (local.set $x (i32.add (local.get $x) (i32.const 64)))
            (local.set $xd (i32.add (local.get $xd) (i32.const 4)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $blocks)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))


  ;; the same for q4_0 (kb blocks of {f16 d; u8 q[16]}, codes q - 8, low nibbles first)
  (func $rows_q4_0 (param $w i32) (param $rowBytes i32) (param $kb i32) (param $x0 i32) (param $xd0 i32) (param $y i32) (param $j i32) (param $end i32)
    (local $row i32) (local $x i32) (local $xd i32)
    (local $hh i32) (local $b i32) (local $acc v128) (local $w0 v128) (local $w1 v128) (local $q v128)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $row (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $x (local.get $x0))
        (local.set $xd (local.get $xd0))
        (local.set $b (i32.const 0))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (block $done
          (loop $blocks
            (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
            (local.set $q (v128.load offset=2 (local.get $row)))
            (local.set $w0 (i8x16.sub (v128.and (local.get $q) (i8x16.splat (i32.const 15))) (i8x16.splat (i32.const 8))))
            (local.set $w1 (i8x16.sub (v128.and (i16x8.shr_u (local.get $q) (i32.const 4)) (i8x16.splat (i32.const 15))) (i8x16.splat (i32.const 8))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
              (f32x4.splat (f32.mul (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))) (f32.load (local.get $xd))))
              (f32x4.convert_i32x4_s (i32x4.add
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w0)) (v128.load (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w0)) (v128.load offset=16 (local.get $x))))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w1)) (v128.load offset=32 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w1)) (v128.load offset=48 (local.get $x)))))))))
            (local.set $row (i32.add (local.get $row) (i32.const 18)))
            (local.set $x (i32.add (local.get $x) (i32.const 64)))
            (local.set $xd (i32.add (local.get $xd) (i32.const 4)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $blocks)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))


  ;; one row of q4_k (kb super-blocks of {f16 d, dmin; u8 scales[12]; u8 q[128]}) · one activation row (rows [j, end)): per
  ;; 32-block an integer dot, scaled by d · sc · xd; the minimums are dmin · Σ m · xd · xs
  (func $rows_q4_k (param $w i32) (param $rowBytes i32) (param $kb i32) (param $x0 i32) (param $xd0 i32) (param $xs0 i32) (param $y i32) (param $j i32) (param $end i32)
    (local $row i32) (local $x i32) (local $xd i32) (local $xs i32)
    (local $hh i32) (local $b i32) (local $c i32) (local $acc v128) (local $d f32) (local $dmin f32)
    (local $u0 i32) (local $u1 i32) (local $u2 i32) (local $sc i64) (local $mn i64) (local $mv v128) (local $acc2 v128) (local $sv v128) (local $s1 v128)
    (local $qa v128) (local $qb v128) (local $la v128) (local $lb v128) (local $ha v128) (local $hb v128) (local $mask v128)
    (local.set $mask (i16x8.splat (i32.const 15)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $row (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $x (local.get $x0))
        (local.set $xd (local.get $xd0))
        (local.set $xs (local.get $xs0))
        (local.set $b (i32.const 0))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $acc2 (v128.const i32x4 0 0 0 0))
        (block $done
          (loop $blocks
            (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
            ;; the eight 6-bit scales and mins (as $k_scales and $k_mins below)
            (local.set $u0 (i32.load offset=4 (local.get $row)))
            (local.set $u1 (i32.load offset=8 (local.get $row)))
            (local.set $u2 (i32.load offset=12 (local.get $row)))
            (local.set $sc (i64.or
              (i64.extend_i32_u (i32.and (local.get $u0) (i32.const 0x3f3f3f3f)))
              (i64.shl (i64.extend_i32_u (i32.or (i32.and (local.get $u2) (i32.const 0x0f0f0f0f))
                                                 (i32.shl (i32.and (i32.shr_u (local.get $u0) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
                       (i64.const 32))))
            (local.set $mn (i64.or
              (i64.extend_i32_u (i32.and (local.get $u1) (i32.const 0x3f3f3f3f)))
              (i64.shl (i64.extend_i32_u (i32.or (i32.and (i32.shr_u (local.get $u2) (i32.const 4)) (i32.const 0x0f0f0f0f))
                                                 (i32.shl (i32.and (i32.shr_u (local.get $u1) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
                       (i64.const 32))))
            (local.set $d (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))))
            (local.set $dmin (block (result f32) (local.set $hh (i32.load16_u offset=2 (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))))
            ;; the minimums of the 8 32-blocks at once: acc -= dmin · (m · xs) · xd, m · xs exact in i32 (≤ 63 · 32 · 32767)
            (local.set $mv (i16x8.extend_low_i8x16_u (i64x2.splat (local.get $mn))))
            (local.set $acc (f32x4.sub (local.get $acc) (f32x4.mul (f32x4.splat (local.get $dmin)) (f32x4.add
              (f32x4.mul (v128.load (local.get $xd)) (f32x4.convert_i32x4_s (i32x4.mul (i32x4.extend_low_i16x8_u (local.get $mv)) (v128.load (local.get $xs)))))
              (f32x4.mul (v128.load offset=16 (local.get $xd)) (f32x4.convert_i32x4_s (i32x4.mul (i32x4.extend_high_i16x8_u (local.get $mv)) (v128.load offset=16 (local.get $xs)))))))))
            ;; the eight scales d · xd · sc of the 32-blocks as two f32x4, each lane (d · xd) · sc as a scalar would round it;
            ;; a chunk takes its two from lanes 0 and 1 of $sv, which then moves on by two lanes. The even and odd
            ;; 32-blocks add into two accumulators ($acc, $acc2; summed at the row's end): one float chain through the
            ;; loop bounded it (two measured 10% faster: the kernel alone, interleaved runs on r42m's shapes)
            (local.set $sv (i16x8.extend_low_i8x16_u (i64x2.splat (local.get $sc))))
            (local.set $s1 (f32x4.mul (f32x4.mul (f32x4.splat (local.get $d)) (v128.load offset=16 (local.get $xd))) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $sv)))))
            (local.set $sv (f32x4.mul (f32x4.mul (f32x4.splat (local.get $d)) (v128.load (local.get $xd))) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $sv)))))
            (local.set $c (i32.const 0))
            (loop $chunks
              ;; 32 bytes of codes: low nibbles = sub-block 2c, high nibbles = sub-block 2c + 1; bytes widened to 16-bit
              ;; lanes first: a lane's low nibble is (lane & 15), its high nibble (lane >> 4)
              (local.set $qa (v128.load offset=16 (local.get $row)))
              (local.set $qb (v128.load offset=32 (local.get $row)))
              (local.set $la (i16x8.extend_low_i8x16_u (local.get $qa)))
              (local.set $ha (i16x8.extend_high_i8x16_u (local.get $qa)))
              (local.set $lb (i16x8.extend_low_i8x16_u (local.get $qb)))
              (local.set $hb (i16x8.extend_high_i8x16_u (local.get $qb)))
              (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $sv) (local.get $sv))
                (f32x4.convert_i32x4_s (i32x4.add
                  (i32x4.add (i32x4.dot_i16x8_s (v128.and (local.get $la) (local.get $mask)) (v128.load (local.get $x))) (i32x4.dot_i16x8_s (v128.and (local.get $ha) (local.get $mask)) (v128.load offset=16 (local.get $x))))
                  (i32x4.add (i32x4.dot_i16x8_s (v128.and (local.get $lb) (local.get $mask)) (v128.load offset=32 (local.get $x))) (i32x4.dot_i16x8_s (v128.and (local.get $hb) (local.get $mask)) (v128.load offset=48 (local.get $x)))))))))
              (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $sv) (local.get $sv))
                (f32x4.convert_i32x4_s (i32x4.add
                  (i32x4.add (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $la) (i32.const 4)) (v128.load offset=64 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $ha) (i32.const 4)) (v128.load offset=80 (local.get $x))))
                  (i32x4.add (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $lb) (i32.const 4)) (v128.load offset=96 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $hb) (i32.const 4)) (v128.load offset=112 (local.get $x)))))))))
              (local.set $sv (i8x16.shuffle 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (local.get $sv) (local.get $s1)))
              (local.set $s1 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $s1) (local.get $s1)))
              (local.set $row (i32.add (local.get $row) (i32.const 32)))
              (local.set $x (i32.add (local.get $x) (i32.const 128)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br_if $chunks (i32.lt_u (local.get $c) (i32.const 4))))
            (local.set $xd (i32.add (local.get $xd) (i32.const 32)))
            (local.set $xs (i32.add (local.get $xs) (i32.const 32)))
            (local.set $row (i32.add (local.get $row) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $blocks)))
        (local.set $acc (f32x4.add (local.get $acc) (local.get $acc2)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))


  ;; one row of q6_k in the split layout ("q6_k/split", type 270; written at upload by the quant entry's
  ;; q6k-split-layout.ts) · one activation row (rows [j, end)). The layout of W [rows, kb·256]: i8 codes [rows, kb·256]
  ;; (q - 32 = -32 … 31, element order: ggml's ql/qh bits already put together and the offset taken off), then i8
  ;; scales [rows, kb·16] (ggml's sc, one per 16 values), then f16 d [rows, kb] (ggml's d), 274 bytes per
  ;; super-block against ggml's 210. Putting each code together from ggml's ql and qh (and/shift/or per weight)
  ;; was 43% of the time of the kernel on ggml's layout this one replaced; here one load and a sign extension feed
  ;; a group (the same integer sums and float order as that kernel: bit-identical results). Lanes hold at most
  ;; 2 groups · 4 products · 32 · 32767 · 128 < 2^31.
  (func $rows_q6_ks (param $w i32) (param $rows i32) (param $kb i32) (param $x0 i32) (param $xd0 i32) (param $y i32) (param $j i32) (param $end i32)
    (local $row i32) (local $x i32) (local $xd i32)
    (local $hh i32) (local $b i32) (local $n i32) (local $acc v128) (local $d f32)
    (local $q i32) (local $sc i32) (local $scs i32) (local $dp i32)
    (local $wv v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $sb v128) (local $scv v128) (local $scvo v128)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $j) (local.get $end)))
        ;; the row's codes, scales and d: codes [rows, kb·256], then scales [rows, kb·16], then d [rows, kb]
        (local.set $row (i32.add (local.get $w) (i32.shl (i32.mul (local.get $j) (local.get $kb)) (i32.const 8))))
        (local.set $scs (i32.add (i32.add (local.get $w) (i32.shl (i32.mul (local.get $rows) (local.get $kb)) (i32.const 8))) (i32.shl (i32.mul (local.get $j) (local.get $kb)) (i32.const 4))))
        (local.set $dp (i32.add (i32.add (local.get $w) (i32.mul (i32.mul (local.get $rows) (local.get $kb)) (i32.const 272))) (i32.shl (i32.mul (local.get $j) (local.get $kb)) (i32.const 1))))
        (local.set $x (local.get $x0))
        (local.set $xd (local.get $xd0))
        (local.set $b (i32.const 0))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (block $done
          (loop $blocks
            (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
            (local.set $d (block (result f32) (local.set $hh (i32.load16_u (local.get $dp))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))))
            (local.set $n (i32.const 0))
            (local.set $sb (v128.const i32x4 0 0 0 0))
            (loop $halves
              (local.set $q (i32.add (local.get $row) (i32.shl (local.get $n) (i32.const 7))))
              (local.set $sc (i32.add (local.get $scs) (i32.shl (local.get $n) (i32.const 3))))
              (local.set $a1 (v128.const i32x4 0 0 0 0))
              (local.set $a2 (v128.const i32x4 0 0 0 0))
              (local.set $a3 (v128.const i32x4 0 0 0 0))
              (local.set $a4 (v128.const i32x4 0 0 0 0))
              ;; the half's eight scales as i32 lanes: $scv = sc[0, 2, 4, 6] for l = 0, then sc[1, 3, 5, 7] for l = 16
              (local.set $scv (v128.load8x8_s (local.get $sc)))
              (local.set $scvo (i32x4.shr_s (local.get $scv) (i32.const 16)))
              (local.set $scv (i32x4.shr_s (i32x4.shl (local.get $scv) (i32.const 16)) (i32.const 16)))
              ;; 16 values of each of the four 32-blocks of this half, twice: l = 0 (scales $scv = sc[0, 2, 4, 6]), then
              ;; l = 16 ($scvo = sc[1, 3, 5, 7]); lanes hold at most 2 groups · 4 products · 32 · 32767 · 128 < 2^31.
              ;; NOTE: written out (no loop), with a $sink store after each group: see $sink
              (local.set $wv (v128.load offset=0 (local.get $q)))
              (local.set $a1 (i32x4.add (local.get $a1) (i32x4.mul (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $scv) (local.get $scv))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $wv)) (v128.load offset=0 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $wv)) (v128.load offset=16 (local.get $x)))))))
              (global.set $sink (local.get $a1))
              (local.set $wv (v128.load offset=32 (local.get $q)))
              (local.set $a2 (i32x4.add (local.get $a2) (i32x4.mul (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $scv) (local.get $scv))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $wv)) (v128.load offset=64 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $wv)) (v128.load offset=80 (local.get $x)))))))
              (global.set $sink (local.get $a2))
              (local.set $wv (v128.load offset=64 (local.get $q)))
              (local.set $a3 (i32x4.add (local.get $a3) (i32x4.mul (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $scv) (local.get $scv))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $wv)) (v128.load offset=128 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $wv)) (v128.load offset=144 (local.get $x)))))))
              (global.set $sink (local.get $a3))
              (local.set $wv (v128.load offset=96 (local.get $q)))
              (local.set $a4 (i32x4.add (local.get $a4) (i32x4.mul (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $scv) (local.get $scv))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $wv)) (v128.load offset=192 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $wv)) (v128.load offset=208 (local.get $x)))))))
              (global.set $sink (local.get $a4))
              (local.set $wv (v128.load offset=16 (local.get $q)))
              (local.set $a1 (i32x4.add (local.get $a1) (i32x4.mul (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $scvo) (local.get $scvo))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $wv)) (v128.load offset=32 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $wv)) (v128.load offset=48 (local.get $x)))))))
              (global.set $sink (local.get $a1))
              (local.set $wv (v128.load offset=48 (local.get $q)))
              (local.set $a2 (i32x4.add (local.get $a2) (i32x4.mul (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $scvo) (local.get $scvo))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $wv)) (v128.load offset=96 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $wv)) (v128.load offset=112 (local.get $x)))))))
              (global.set $sink (local.get $a2))
              (local.set $wv (v128.load offset=80 (local.get $q)))
              (local.set $a3 (i32x4.add (local.get $a3) (i32x4.mul (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $scvo) (local.get $scvo))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $wv)) (v128.load offset=160 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $wv)) (v128.load offset=176 (local.get $x)))))))
              (global.set $sink (local.get $a3))
              (local.set $wv (v128.load offset=112 (local.get $q)))
              (local.set $a4 (i32x4.add (local.get $a4) (i32x4.mul (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $scvo) (local.get $scvo))
                (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $wv)) (v128.load offset=224 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $wv)) (v128.load offset=240 (local.get $x)))))))
              (global.set $sink (local.get $a4))
              (local.set $sb (f32x4.add (local.get $sb) (f32x4.add
                (f32x4.add
                  (f32x4.mul (v128.load32_splat (local.get $xd)) (f32x4.convert_i32x4_s (local.get $a1)))
                  (f32x4.mul (v128.load32_splat offset=4 (local.get $xd)) (f32x4.convert_i32x4_s (local.get $a2))))
                (f32x4.add
                  (f32x4.mul (v128.load32_splat offset=8 (local.get $xd)) (f32x4.convert_i32x4_s (local.get $a3)))
                  (f32x4.mul (v128.load32_splat offset=12 (local.get $xd)) (f32x4.convert_i32x4_s (local.get $a4)))))))
              (local.set $x (i32.add (local.get $x) (i32.const 256)))
              (local.set $xd (i32.add (local.get $xd) (i32.const 16)))
              (local.set $n (i32.add (local.get $n) (i32.const 1)))
              (br_if $halves (i32.lt_u (local.get $n) (i32.const 2))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (f32x4.splat (local.get $d)) (local.get $sb))))
            (local.set $row (i32.add (local.get $row) (i32.const 256)))
            (local.set $scs (i32.add (local.get $scs) (i32.const 16)))
            (local.set $dp (i32.add (local.get $dp) (i32.const 2)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $blocks)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))

  ;; q8_0 {f16 d; i8 q[32]}: w = d·q
  (func $unpack_q8_0 (param $row i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (local $store_c i32) (local $store_v v128) (local $hh i32) (local $b i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $store_c (local.get $c)) (local.set $store_v (v128.load offset=2 (local.get $row))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_s (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_s (local.get $store_v)))
        (local.set $store_c (i32.add (local.get $c) (i32.const 32))) (local.set $store_v (v128.load offset=18 (local.get $row))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_s (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_s (local.get $store_v)))
        (local.set $store_c (local.get $ab)) (f32.store (local.get $store_c) (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16)))))) (f32.store offset=4 (local.get $store_c) (f32.const 0))
        (local.set $row (i32.add (local.get $row) (i32.const 34)))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (i32.const 0))

  ;; q4_0 {f16 d; u8 q[16]} (low nibbles codes 0-15, high 16-31): w = d·(q - 8)
  (func $unpack_q4_0 (param $row i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (local $store_c i32) (local $store_v v128) (local $hh i32) (local $b i32) (local $q v128)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $q (v128.load offset=2 (local.get $row)))
        (local.set $store_c (local.get $c)) (local.set $store_v (i8x16.sub (v128.and (local.get $q) (i8x16.splat (i32.const 15))) (i8x16.splat (i32.const 8)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_s (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_s (local.get $store_v)))
        (local.set $store_c (i32.add (local.get $c) (i32.const 32))) (local.set $store_v (i8x16.sub (i8x16.shr_u (local.get $q) (i32.const 4)) (i8x16.splat (i32.const 8)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_s (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_s (local.get $store_v)))
        (local.set $store_c (local.get $ab)) (f32.store (local.get $store_c) (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16)))))) (f32.store offset=4 (local.get $store_c) (f32.const 0))
        (local.set $row (i32.add (local.get $row) (i32.const 18)))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (i32.const 0))

  ;; q4_1 {f16 d, m; u8 q[16]}: w = d·q + m
  (func $unpack_q4_1 (param $row i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (local $store_c i32) (local $store_v v128) (local $hh i32) (local $b i32) (local $q v128)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $q (v128.load offset=4 (local.get $row)))
        (local.set $store_c (local.get $c)) (local.set $store_v (v128.and (local.get $q) (i8x16.splat (i32.const 15)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
        (local.set $store_c (i32.add (local.get $c) (i32.const 32))) (local.set $store_v (i8x16.shr_u (local.get $q) (i32.const 4))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
        (local.set $store_c (local.get $ab)) (f32.store (local.get $store_c) (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16)))))) (f32.store offset=4 (local.get $store_c) (block (result f32) (local.set $hh (i32.load16_u offset=2 (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))))
        (local.set $row (i32.add (local.get $row) (i32.const 20)))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (i32.const 1))

  ;; q5_0 {f16 d; u32 qh; u8 q[16]}: w = d·((q | high bit·16) - 16)
  (func $unpack_q5_0 (param $row i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (local $store_c i32) (local $store_v v128) (local $hh i32) (local $b i32) (local $q v128) (local $qh i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $q (v128.load offset=6 (local.get $row)))
        (local.set $qh (i32.load offset=2 (local.get $row)))
        (local.set $store_c (local.get $c)) (local.set $store_v (i8x16.sub (v128.or (v128.and (local.get $q) (i8x16.splat (i32.const 15))) (v128.and (i8x16.eq
      (v128.and (i8x16.swizzle (i32x4.splat (local.get $qh)) (v128.const i8x16 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1))
                (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128))
      (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128)) (i8x16.splat (i32.const 16)))) (i8x16.splat (i32.const 16)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_s (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_s (local.get $store_v)))
        (local.set $store_c (i32.add (local.get $c) (i32.const 32))) (local.set $store_v (i8x16.sub (v128.or (i8x16.shr_u (local.get $q) (i32.const 4)) (v128.and (i8x16.eq
      (v128.and (i8x16.swizzle (i32x4.splat (local.get $qh)) (v128.const i8x16 2 2 2 2 2 2 2 2 3 3 3 3 3 3 3 3))
                (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128))
      (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128)) (i8x16.splat (i32.const 16)))) (i8x16.splat (i32.const 16)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_s (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_s (local.get $store_v)))
        (local.set $store_c (local.get $ab)) (f32.store (local.get $store_c) (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16)))))) (f32.store offset=4 (local.get $store_c) (f32.const 0))
        (local.set $row (i32.add (local.get $row) (i32.const 22)))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (i32.const 0))

  ;; q5_1 {f16 d, m; u32 qh; u8 q[16]}: w = d·(q | high bit·16) + m
  (func $unpack_q5_1 (param $row i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (local $store_c i32) (local $store_v v128) (local $hh i32) (local $b i32) (local $q v128) (local $qh i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $q (v128.load offset=8 (local.get $row)))
        (local.set $qh (i32.load offset=4 (local.get $row)))
        (local.set $store_c (local.get $c)) (local.set $store_v (v128.or (v128.and (local.get $q) (i8x16.splat (i32.const 15))) (v128.and (i8x16.eq
      (v128.and (i8x16.swizzle (i32x4.splat (local.get $qh)) (v128.const i8x16 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1))
                (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128))
      (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128)) (i8x16.splat (i32.const 16))))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
        (local.set $store_c (i32.add (local.get $c) (i32.const 32))) (local.set $store_v (v128.or (i8x16.shr_u (local.get $q) (i32.const 4)) (v128.and (i8x16.eq
      (v128.and (i8x16.swizzle (i32x4.splat (local.get $qh)) (v128.const i8x16 2 2 2 2 2 2 2 2 3 3 3 3 3 3 3 3))
                (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128))
      (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128)) (i8x16.splat (i32.const 16))))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
        (local.set $store_c (local.get $ab)) (f32.store (local.get $store_c) (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16)))))) (f32.store offset=4 (local.get $store_c) (block (result f32) (local.set $hh (i32.load16_u offset=2 (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))))
        (local.set $row (i32.add (local.get $row) (i32.const 24)))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (i32.const 1))

  ;; the K-quants' eight 6-bit scales (bytes 0-7 of the result) or mins, from the 12 bytes at $s (ggml's
  ;; get_scale_min_k4, all eight at once as llama.cpp's kmask trick)
  (func $k_scales (param $s i32) (result i64)
    (i64.or
      (i64.extend_i32_u (i32.and (i32.load (local.get $s)) (i32.const 0x3f3f3f3f)))
      (i64.shl (i64.extend_i32_u (i32.or (i32.and (i32.load offset=8 (local.get $s)) (i32.const 0x0f0f0f0f))
                                         (i32.shl (i32.and (i32.shr_u (i32.load (local.get $s)) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
               (i64.const 32))))
  (func $k_mins (param $s i32) (result i64)
    (i64.or
      (i64.extend_i32_u (i32.and (i32.load offset=4 (local.get $s)) (i32.const 0x3f3f3f3f)))
      (i64.shl (i64.extend_i32_u (i32.or (i32.and (i32.shr_u (i32.load offset=8 (local.get $s)) (i32.const 4)) (i32.const 0x0f0f0f0f))
                                         (i32.shl (i32.and (i32.shr_u (i32.load offset=4 (local.get $s)) (i32.const 6)) (i32.const 0x03030303)) (i32.const 4))))
               (i64.const 32))))

  ;; q4_k (header at $row: f16 d, dmin; scales[12]) and q5_k: the eight 32-blocks' A = d·sc, B = -dmin·m
  (func $k_scale_pairs (param $row i32) (param $ab i32)
    (local $store_c i32) (local $hh i32) (local $d f32) (local $dmin f32) (local $sc i64) (local $mn i64) (local $s i32)
    (local.set $d (block (result f32) (local.set $hh (i32.load16_u (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))))
    (local.set $dmin (block (result f32) (local.set $hh (i32.load16_u offset=2 (local.get $row))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))))
    (local.set $sc (call $k_scales (i32.add (local.get $row) (i32.const 4))))
    (local.set $mn (call $k_mins (i32.add (local.get $row) (i32.const 4))))
    (loop $subs
      (local.set $store_c (local.get $ab)) (f32.store (local.get $store_c) (f32.mul (local.get $d) (f32.convert_i64_u (i64.and (local.get $sc) (i64.const 255))))) (f32.store offset=4 (local.get $store_c) (f32.neg (f32.mul (local.get $dmin) (f32.convert_i64_u (i64.and (local.get $mn) (i64.const 255))))))
      (local.set $sc (i64.shr_u (local.get $sc) (i64.const 8)))
      (local.set $mn (i64.shr_u (local.get $mn) (i64.const 8)))
      (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br_if $subs (i32.lt_u (local.get $s) (i32.const 8)))))

  ;; q4_k {f16 d, dmin; u8 scales[12]; u8 q[128]}: per 64 codes, 32 bytes (low nibbles, then high nibbles)
  (func $unpack_q4_k (param $row i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (local $store_c i32) (local $store_v v128) (local $b i32) (local $ch i32) (local $qa v128) (local $qb v128)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (call $k_scale_pairs (local.get $row) (local.get $ab))
        (local.set $ch (i32.const 0))
        (loop $chunks
          (local.set $qa (v128.load offset=16 (i32.add (local.get $row) (i32.shl (local.get $ch) (i32.const 5)))))
          (local.set $qb (v128.load offset=32 (i32.add (local.get $row) (i32.shl (local.get $ch) (i32.const 5)))))
          (local.set $store_c (local.get $c)) (local.set $store_v (v128.and (local.get $qa) (i8x16.splat (i32.const 15)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
          (local.set $store_c (i32.add (local.get $c) (i32.const 32))) (local.set $store_v (v128.and (local.get $qb) (i8x16.splat (i32.const 15)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
          (local.set $store_c (i32.add (local.get $c) (i32.const 64))) (local.set $store_v (i8x16.shr_u (local.get $qa) (i32.const 4))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
          (local.set $store_c (i32.add (local.get $c) (i32.const 96))) (local.set $store_v (i8x16.shr_u (local.get $qb) (i32.const 4))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
          (local.set $c (i32.add (local.get $c) (i32.const 128)))
          (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
          (br_if $chunks (i32.lt_u (local.get $ch) (i32.const 4))))
        (local.set $row (i32.add (local.get $row) (i32.const 144)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (i32.const 1))

  ;; q5_k {f16 d, dmin; u8 scales[12]; u8 qh[32]; u8 q[128]}: as q4_k, plus 16 where qh's bit 2c (low nibbles
  ;; of chunk c) or 2c + 1 (high nibbles) is set
  (func $unpack_q5_k (param $row i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (local $store_c i32) (local $store_v v128) (local $b i32) (local $ch i32) (local $qa v128) (local $qb v128) (local $h0 v128) (local $h1 v128) (local $u1 v128) (local $u2 v128) (local $k16 v128)
    (local.set $k16 (i8x16.splat (i32.const 16)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (call $k_scale_pairs (local.get $row) (local.get $ab))
        (local.set $h0 (v128.load offset=16 (local.get $row)))
        (local.set $h1 (v128.load offset=32 (local.get $row)))
        (local.set $ch (i32.const 0))
        (loop $chunks
          (local.set $u1 (i8x16.splat (i32.shl (i32.const 1) (i32.shl (local.get $ch) (i32.const 1)))))
          (local.set $u2 (i8x16.splat (i32.shl (i32.const 2) (i32.shl (local.get $ch) (i32.const 1)))))
          (local.set $qa (v128.load offset=48 (i32.add (local.get $row) (i32.shl (local.get $ch) (i32.const 5)))))
          (local.set $qb (v128.load offset=64 (i32.add (local.get $row) (i32.shl (local.get $ch) (i32.const 5)))))
          (local.set $store_c (local.get $c)) (local.set $store_v (v128.or (v128.and (local.get $qa) (i8x16.splat (i32.const 15)))
            (v128.and (i8x16.eq (v128.and (local.get $h0) (local.get $u1)) (local.get $u1)) (local.get $k16)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
          (local.set $store_c (i32.add (local.get $c) (i32.const 32))) (local.set $store_v (v128.or (v128.and (local.get $qb) (i8x16.splat (i32.const 15)))
            (v128.and (i8x16.eq (v128.and (local.get $h1) (local.get $u1)) (local.get $u1)) (local.get $k16)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
          (local.set $store_c (i32.add (local.get $c) (i32.const 64))) (local.set $store_v (v128.or (i8x16.shr_u (local.get $qa) (i32.const 4))
            (v128.and (i8x16.eq (v128.and (local.get $h0) (local.get $u2)) (local.get $u2)) (local.get $k16)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
          (local.set $store_c (i32.add (local.get $c) (i32.const 96))) (local.set $store_v (v128.or (i8x16.shr_u (local.get $qb) (i32.const 4))
            (v128.and (i8x16.eq (v128.and (local.get $h1) (local.get $u2)) (local.get $u2)) (local.get $k16)))) (v128.store (local.get $store_c) (i16x8.extend_low_i8x16_u (local.get $store_v))) (v128.store offset=16 (local.get $store_c) (i16x8.extend_high_i8x16_u (local.get $store_v)))
          (local.set $c (i32.add (local.get $c) (i32.const 128)))
          (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
          (br_if $chunks (i32.lt_u (local.get $ch) (i32.const 4))))
        (local.set $row (i32.add (local.get $row) (i32.const 176)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (i32.const 1))


  ;; q6_k in the split layout (see $rows_q6_ks): the row's codes at $q, scales at $sc, d at $dp:
  ;; w = d·sc·(q - 32), as i16 codes (q - 32)·sc and the scale d per 32-block
  (func $unpack_q6_ks (param $q i32) (param $sc i32) (param $dp i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (local $hh i32) (local $b i32) (local $t i32) (local $d f32) (local $v v128) (local $s v128)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $d (block (result f32) (local.set $hh (i32.load16_u (local.get $dp))) (f32.copysign (select (f32.mul (f32.convert_i32_u (i32.and (local.get $hh) (i32.const 0x3ff))) (f32.const 0x1p-24)) (f32.reinterpret_i32 (select (i32.or (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x7f800000)) (i32.add (i32.shl (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 13)) (i32.const 0x38000000)) (i32.ge_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x7c00)))) (i32.lt_u (i32.and (local.get $hh) (i32.const 0x7fff)) (i32.const 0x400))) (f32.reinterpret_i32 (i32.shl (local.get $hh) (i32.const 16))))))
        (local.set $t (i32.const 0))
        (loop $scales
          (f32.store (local.get $ab) (local.get $d)) (f32.store offset=4 (local.get $ab) (f32.const 0))
          (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br_if $scales (i32.lt_u (local.get $t) (i32.const 8))))
        ;; 16 groups of 16 codes, each with its scale
        (local.set $t (i32.const 0))
        (loop $groups
          (local.set $v (v128.load (local.get $q)))
          (local.set $s (i16x8.splat (i32.load8_s (local.get $sc))))
          (v128.store (local.get $c) (i16x8.mul (i16x8.extend_low_i8x16_s (local.get $v)) (local.get $s)))
          (v128.store offset=16 (local.get $c) (i16x8.mul (i16x8.extend_high_i8x16_s (local.get $v)) (local.get $s)))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (local.set $sc (i32.add (local.get $sc) (i32.const 1)))
          (local.set $c (i32.add (local.get $c) (i32.const 32)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br_if $groups (i32.lt_u (local.get $t) (i32.const 16))))
        (local.set $dp (i32.add (local.get $dp) (i32.const 2)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (i32.const 0))

  ;; the ggml types this module multiplies: q4_0 2, q4_1 3, q5_0 6, q5_1 7, q8_0 8, q4_k 12, q5_k 13, and 270:
  ;; q6_k in the split layout (see $rows_q6_ks; ggml's q6_k bytes are written in it first, by the quant entry)
  (func $supported (param $type i32) (result i32)
    (i32.or (i32.eq (local.get $type) (i32.const 270))
      (i32.and (i32.lt_u (local.get $type) (i32.const 14))
        (i32.and (i32.shr_u (i32.const 0x31cc) (local.get $type)) (i32.const 1)))))

  (func $unpack (param $type i32) (param $row i32) (param $kb i32) (param $c i32) (param $ab i32) (result i32)
    (if (i32.eq (local.get $type) (i32.const 12)) (then (return (call $unpack_q4_k (local.get $row) (local.get $kb) (local.get $c) (local.get $ab)))))
    (if (i32.eq (local.get $type) (i32.const 13)) (then (return (call $unpack_q5_k (local.get $row) (local.get $kb) (local.get $c) (local.get $ab)))))
    (if (i32.eq (local.get $type) (i32.const 8)) (then (return (call $unpack_q8_0 (local.get $row) (local.get $kb) (local.get $c) (local.get $ab)))))
    (if (i32.eq (local.get $type) (i32.const 2)) (then (return (call $unpack_q4_0 (local.get $row) (local.get $kb) (local.get $c) (local.get $ab)))))
    (if (i32.eq (local.get $type) (i32.const 3)) (then (return (call $unpack_q4_1 (local.get $row) (local.get $kb) (local.get $c) (local.get $ab)))))
    (if (i32.eq (local.get $type) (i32.const 6)) (then (return (call $unpack_q5_0 (local.get $row) (local.get $kb) (local.get $c) (local.get $ab)))))
    (call $unpack_q5_1 (local.get $row) (local.get $kb) (local.get $c) (local.get $ab)))

  ;; Σ over nb 32-blocks of one unpacked row (codes $c, scales $ab) · one activation row, offsets aside
  (func $dot_unpacked (param $c i32) (param $ab i32) (param $nb i32) (param $x i32) (param $xd i32) (result f32)
    (local $b i32) (local $acc v128)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $nb)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
          (f32x4.splat (f32.mul (f32.load (local.get $ab)) (f32.load (local.get $xd))))
          (f32x4.convert_i32x4_s (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (v128.load (local.get $c)) (v128.load (local.get $x)))
                       (i32x4.dot_i16x8_s (v128.load offset=16 (local.get $c)) (v128.load offset=16 (local.get $x))))
            (i32x4.add (i32x4.dot_i16x8_s (v128.load offset=32 (local.get $c)) (v128.load offset=32 (local.get $x)))
                       (i32x4.dot_i16x8_s (v128.load offset=48 (local.get $c)) (v128.load offset=48 (local.get $x)))))))))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
        (local.set $xd (i32.add (local.get $xd) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (call $hsum (local.get $acc)))

  ;; the same for four activation rows at once (x and xd rows $xstride and $dstride bytes apart), sharing
  ;; the code loads; the four sums go to $y + r·$ystride (each computed exactly as $dot_unpacked computes it)
  (func $dot4_unpacked (param $c i32) (param $ab i32) (param $nb i32) (param $x0 i32) (param $d0 i32) (param $xstride i32) (param $dstride i32) (param $y i32) (param $ystride i32)
    (local $b i32) (local $A f32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $x1 (i32.add (local.get $x0) (local.get $xstride)))
    (local.set $x2 (i32.add (local.get $x1) (local.get $xstride)))
    (local.set $x3 (i32.add (local.get $x2) (local.get $xstride)))
    (local.set $d1 (i32.add (local.get $d0) (local.get $dstride)))
    (local.set $d2 (i32.add (local.get $d1) (local.get $dstride)))
    (local.set $d3 (i32.add (local.get $d2) (local.get $dstride)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $nb)))
        (local.set $c0 (v128.load (local.get $c)))
        (local.set $c1 (v128.load offset=16 (local.get $c)))
        (local.set $c2 (v128.load offset=32 (local.get $c)))
        (local.set $c3 (v128.load offset=48 (local.get $c)))
        (local.set $A (f32.load (local.get $ab)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
          (f32x4.splat (f32.mul (local.get $A) (f32.load (local.get $d0))))
          (f32x4.convert_i32x4_s (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $c0) (v128.load (local.get $x0)))
                       (i32x4.dot_i16x8_s (local.get $c1) (v128.load offset=16 (local.get $x0))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $c2) (v128.load offset=32 (local.get $x0)))
                       (i32x4.dot_i16x8_s (local.get $c3) (v128.load offset=48 (local.get $x0)))))))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul
          (f32x4.splat (f32.mul (local.get $A) (f32.load (local.get $d1))))
          (f32x4.convert_i32x4_s (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $c0) (v128.load (local.get $x1)))
                       (i32x4.dot_i16x8_s (local.get $c1) (v128.load offset=16 (local.get $x1))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $c2) (v128.load offset=32 (local.get $x1)))
                       (i32x4.dot_i16x8_s (local.get $c3) (v128.load offset=48 (local.get $x1)))))))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul
          (f32x4.splat (f32.mul (local.get $A) (f32.load (local.get $d2))))
          (f32x4.convert_i32x4_s (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $c0) (v128.load (local.get $x2)))
                       (i32x4.dot_i16x8_s (local.get $c1) (v128.load offset=16 (local.get $x2))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $c2) (v128.load offset=32 (local.get $x2)))
                       (i32x4.dot_i16x8_s (local.get $c3) (v128.load offset=48 (local.get $x2)))))))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul
          (f32x4.splat (f32.mul (local.get $A) (f32.load (local.get $d3))))
          (f32x4.convert_i32x4_s (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $c0) (v128.load (local.get $x3)))
                       (i32x4.dot_i16x8_s (local.get $c1) (v128.load offset=16 (local.get $x3))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $c2) (v128.load offset=32 (local.get $x3)))
                       (i32x4.dot_i16x8_s (local.get $c3) (v128.load offset=48 (local.get $x3)))))))))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
        (local.set $x0 (i32.add (local.get $x0) (i32.const 64)))
        (local.set $d0 (i32.add (local.get $d0) (i32.const 4)))
        (local.set $x1 (i32.add (local.get $x1) (i32.const 64)))
        (local.set $d1 (i32.add (local.get $d1) (i32.const 4)))
        (local.set $x2 (i32.add (local.get $x2) (i32.const 64)))
        (local.set $d2 (i32.add (local.get $d2) (i32.const 4)))
        (local.set $x3 (i32.add (local.get $x3) (i32.const 64)))
        (local.set $d3 (i32.add (local.get $d3) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (f32.store (i32.add (local.get $y) (i32.mul (local.get $ystride) (i32.const 0))) (call $hsum (local.get $a0)))
    (f32.store (i32.add (local.get $y) (i32.mul (local.get $ystride) (i32.const 1))) (call $hsum (local.get $a1)))
    (f32.store (i32.add (local.get $y) (i32.mul (local.get $ystride) (i32.const 2))) (call $hsum (local.get $a2)))
    (f32.store (i32.add (local.get $y) (i32.mul (local.get $ystride) (i32.const 3))) (call $hsum (local.get $a3)))
  )

  ;; Σ over nb 32-blocks of the offsets B · xd · xs (q4_1, q5_1, q4_k, q5_k): four blocks at a time (the B of
  ;; the {A, B} pairs picked by a shuffle), then the rest one by one
  (func $offset_sum (param $ab i32) (param $nb i32) (param $xd i32) (param $xs i32) (result f32)
    (local $b i32) (local $s f32) (local $acc v128)
    (block $done
      (loop $fours
        (br_if $done (i32.gt_u (i32.add (local.get $b) (i32.const 4)) (local.get $nb)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (v128.load (local.get $ab)) (v128.load offset=16 (local.get $ab)))
          (f32x4.mul (v128.load (local.get $xd)) (f32x4.convert_i32x4_s (v128.load (local.get $xs)))))))
        (local.set $ab (i32.add (local.get $ab) (i32.const 32)))
        (local.set $xd (i32.add (local.get $xd) (i32.const 16)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $fours)))
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $b) (local.get $nb)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load offset=4 (local.get $ab))
          (f32.mul (f32.load (local.get $xd)) (f32.convert_i32_s (i32.load (local.get $xs)))))))
        (local.set $ab (i32.add (local.get $ab) (i32.const 8)))
        (local.set $xd (i32.add (local.get $xd) (i32.const 4)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $rest)))
    (f32.add (call $hsum (local.get $acc)) (local.get $s)))

  ;; y [m, n] = x [m, k] · Wᵀ for the weight rows j in [begin, end) of W [n, k] of ggml type $type; $rowBytes =
  ;; bytes of one weight row, $kb = blocks per row (32-blocks, or 256-blocks for the K-quants); x, xd, xs from
  ;; quantizeActivations(…, m, k); scratch: 256 KiB. Returns 0, or -1 for a type this module does not multiply
  ;; (nothing written). Without a fused kernel, or with several activation rows, up to 8 weight rows are unpacked
  ;; into scratch at a time (as many as fit) and every activation row, four at a time, is dotted with them while
  ;; it sits in L1.
  (func (export "qmatmul") (param $type i32) (param $w i32) (param $n i32) (param $rowBytes i32) (param $kb i32) (param $k i32)
                           (param $x i32) (param $xd i32) (param $xs i32) (param $m i32) (param $y i32)
                           (param $scratch i32) (param $begin i32) (param $end i32) (result i32)
    (local $j i32) (local $i i32) (local $t i32) (local $tend i32) (local $tiles i32) (local $rs i32) (local $c i32)
    (local $row i32) (local $nb i32) (local $offsets i32) (local $yp i32) (local $yi i32) (local $xi i32) (local $di i32)
    (if (i32.eqz (call $supported (local.get $type))) (then (return (i32.const -1))))
    (local.set $nb (i32.shr_u (local.get $k) (i32.const 5)))
    (local.set $j (local.get $begin))
    ;; one activation row and a fused kernel: decode and dot in one pass, row by row
    (if (i32.and (i32.eq (local.get $m) (i32.const 1))
                 (i32.or (i32.or (i32.eq (local.get $type) (i32.const 2)) (i32.eq (local.get $type) (i32.const 8)))
                         (i32.or (i32.eq (local.get $type) (i32.const 12)) (i32.eq (local.get $type) (i32.const 270)))))
      (then
        (if (i32.eq (local.get $type) (i32.const 270))
          (then
            (call $rows_q6_ks (local.get $w) (local.get $n) (local.get $kb) (local.get $x) (local.get $xd) (local.get $y) (local.get $j) (local.get $end))
            (return (i32.const 0))))
        (if (i32.eq (local.get $type) (i32.const 12))
          (then (call $rows_q4_k (local.get $w) (local.get $rowBytes) (local.get $kb) (local.get $x) (local.get $xd) (local.get $xs) (local.get $y) (local.get $j) (local.get $end)))
          (else (if (i32.eq (local.get $type) (i32.const 8))
            (then (call $rows_q8_0 (local.get $w) (local.get $rowBytes) (local.get $kb) (local.get $x) (local.get $xd) (local.get $y) (local.get $j) (local.get $end)))
            (else (call $rows_q4_0 (local.get $w) (local.get $rowBytes) (local.get $kb) (local.get $x) (local.get $xd) (local.get $y) (local.get $j) (local.get $end))))))
        (return (i32.const 0))))
    ;; unpacked rows: $rs bytes each (codes, then a scale and an offset per 32-block), $tiles at a time
    (local.set $rs (i32.add (i32.shl (local.get $k) (i32.const 1)) (i32.shl (local.get $nb) (i32.const 3))))
    (local.set $tiles (i32.div_u (i32.const 262144) (local.get $rs)))
    (if (i32.gt_u (local.get $tiles) (i32.const 8)) (then (local.set $tiles (i32.const 8))))
    (block $tiles_done
      (loop $tile
        (br_if $tiles_done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $tend (i32.add (local.get $j) (local.get $tiles)))
        (if (i32.gt_u (local.get $tend) (local.get $end)) (then (local.set $tend (local.get $end))))
        (local.set $t (local.get $j))
        (local.set $c (local.get $scratch))
        (loop $unpacks
          (local.set $offsets (if (result i32) (i32.eq (local.get $type) (i32.const 270))
            ;; the split layout: codes [n, k], scales [n, k/16], d [n, kb]
            (then (call $unpack_q6_ks (i32.add (local.get $w) (i32.mul (local.get $t) (local.get $k)))
              (i32.add (i32.add (local.get $w) (i32.mul (local.get $n) (local.get $k))) (i32.mul (local.get $t) (i32.shr_u (local.get $k) (i32.const 4))))
              (i32.add (i32.add (local.get $w) (i32.mul (i32.mul (local.get $n) (local.get $kb)) (i32.const 272))) (i32.shl (i32.mul (local.get $t) (local.get $kb)) (i32.const 1)))
              (local.get $kb) (local.get $c) (i32.add (local.get $c) (i32.shl (local.get $k) (i32.const 1)))))
            (else (call $unpack (local.get $type) (i32.add (local.get $w) (i32.mul (local.get $t) (local.get $rowBytes))) (local.get $kb)
              (local.get $c) (i32.add (local.get $c) (i32.shl (local.get $k) (i32.const 1)))))))
          (local.set $c (i32.add (local.get $c) (local.get $rs)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br_if $unpacks (i32.lt_u (local.get $t) (local.get $tend))))
        ;; activation rows four at a time, then one at a time, then the offsets (each output summed in the
        ;; same order whichever way its rows were taken)
        (local.set $i (i32.const 0))
        (block $acts_done
          (loop $acts
            (br_if $acts_done (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $xi (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 1))))
            (local.set $di (i32.add (local.get $xd) (i32.shl (i32.mul (local.get $i) (local.get $nb)) (i32.const 2))))
            (local.set $t (local.get $j))
            (local.set $c (local.get $scratch))
            (loop $dots
              (local.set $yi (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $t)) (i32.const 2))))
              (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $m))
                (then (call $dot4_unpacked (local.get $c) (i32.add (local.get $c) (i32.shl (local.get $k) (i32.const 1))) (local.get $nb)
                  (local.get $xi) (local.get $di) (i32.shl (local.get $k) (i32.const 1)) (i32.shl (local.get $nb) (i32.const 2))
                  (local.get $yi) (i32.shl (local.get $n) (i32.const 2))))
                (else (f32.store (local.get $yi) (call $dot_unpacked (local.get $c) (i32.add (local.get $c) (i32.shl (local.get $k) (i32.const 1))) (local.get $nb)
                  (local.get $xi) (local.get $di)))))
              (local.set $c (i32.add (local.get $c) (local.get $rs)))
              (local.set $t (i32.add (local.get $t) (i32.const 1)))
              (br_if $dots (i32.lt_u (local.get $t) (local.get $tend))))
            (local.set $i (i32.add (local.get $i) (select (i32.const 4) (i32.const 1) (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))))
            (br $acts)))
        (if (local.get $offsets)
          (then
            (local.set $i (i32.const 0))
            (block $offs_done
              (loop $offs
                (br_if $offs_done (i32.ge_u (local.get $i) (local.get $m)))
                (local.set $t (local.get $j))
                (local.set $c (local.get $scratch))
                (loop $offrows
                  (local.set $yi (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $t)) (i32.const 2))))
                  (f32.store (local.get $yi) (f32.add (f32.load (local.get $yi))
                    (call $offset_sum (i32.add (local.get $c) (i32.shl (local.get $k) (i32.const 1))) (local.get $nb)
                      (i32.add (local.get $xd) (i32.shl (i32.mul (local.get $i) (local.get $nb)) (i32.const 2)))
                      (i32.add (local.get $xs) (i32.shl (i32.mul (local.get $i) (local.get $nb)) (i32.const 2))))))
                  (local.set $c (i32.add (local.get $c) (local.get $rs)))
                  (local.set $t (i32.add (local.get $t) (i32.const 1)))
                  (br_if $offrows (i32.lt_u (local.get $t) (local.get $tend))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $offs)))))
        (local.set $j (local.get $tend))
        (br $tile)))
    (i32.const 0))

  ;; x [m, k] f32 → xq [m, k] i16, xd [m, k/32] f32, xs [m, k/32] i32 (k a multiple of 32): per 32-block
  ;; xd = max|x| / 32767 and xq = round(x / xd), half to even, so |x - xd·xq| ≤ xd/2 (the quotient is formed in
  ;; float64 so that bound holds exactly); xs = Σ xq.
  (func (export "quantizeActivations") (param $x i32) (param $xq i32) (param $xd i32) (param $xs i32) (param $m i32) (param $k i32)
    (local $end i32) (local $amax v128) (local $d f32) (local $id f64) (local $sum i32) (local $e i32)
    (local $idv v128) (local $v v128) (local $qa v128) (local $qb v128) (local $sv v128) (local $lo v128) (local $hi v128)
    (local.set $lo (f64x2.splat (f64.const -32767)))
    (local.set $hi (f64x2.splat (f64.const 32767)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.mul (local.get $m) (local.get $k)) (i32.const 2))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $amax (f32x4.max
          (f32x4.max (f32x4.max (f32x4.abs (v128.load (local.get $x))) (f32x4.abs (v128.load offset=16 (local.get $x))))
                     (f32x4.max (f32x4.abs (v128.load offset=32 (local.get $x))) (f32x4.abs (v128.load offset=48 (local.get $x)))))
          (f32x4.max (f32x4.max (f32x4.abs (v128.load offset=64 (local.get $x))) (f32x4.abs (v128.load offset=80 (local.get $x))))
                     (f32x4.max (f32x4.abs (v128.load offset=96 (local.get $x))) (f32x4.abs (v128.load offset=112 (local.get $x)))))))
        (local.set $d (f32.div
          (f32.max (f32.max (f32x4.extract_lane 0 (local.get $amax)) (f32x4.extract_lane 1 (local.get $amax)))
                   (f32.max (f32x4.extract_lane 2 (local.get $amax)) (f32x4.extract_lane 3 (local.get $amax))))
          (f32.const 32767)))
        ;; 0 for an all-zero block (codes 0, not NaN); a NaN in x makes d NaN, so y is NaN
        (local.set $id (select (f64.div (f64.const 1) (f64.promote_f32 (local.get $d))) (f64.const 0) (f32.gt (local.get $d) (f32.const 0))))
        ;; eight values a step, each as the scalar rule: trunc(min(32767, max(-32767, nearest(f64(x) · id))))
        (local.set $idv (f64x2.splat (local.get $id)))
        (local.set $sv (v128.const i32x4 0 0 0 0))
        (local.set $e (i32.const 0))
        (loop $values
          (local.set $v (v128.load (local.get $x)))
          (local.set $qa (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $hi) (f64x2.pmax (local.get $lo) (f64x2.nearest (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $idv))))))
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $hi) (f64x2.pmax (local.get $lo) (f64x2.nearest (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))) (local.get $idv))))))))
          (local.set $v (v128.load offset=16 (local.get $x)))
          (local.set $qb (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $hi) (f64x2.pmax (local.get $lo) (f64x2.nearest (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $idv))))))
            (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (local.get $hi) (f64x2.pmax (local.get $lo) (f64x2.nearest (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))) (local.get $idv))))))))
          (v128.store (local.get $xq) (i16x8.narrow_i32x4_s (local.get $qa) (local.get $qb)))
          (local.set $sv (i32x4.add (local.get $sv) (i32x4.add (local.get $qa) (local.get $qb))))
          (local.set $x (i32.add (local.get $x) (i32.const 32)))
          (local.set $xq (i32.add (local.get $xq) (i32.const 16)))
          (local.set $e (i32.add (local.get $e) (i32.const 8)))
          (br_if $values (i32.lt_u (local.get $e) (i32.const 32))))
        (local.set $sum (i32.add (i32.add (i32x4.extract_lane 0 (local.get $sv)) (i32x4.extract_lane 1 (local.get $sv)))
                                 (i32.add (i32x4.extract_lane 2 (local.get $sv)) (i32x4.extract_lane 3 (local.get $sv)))))
        (f32.store (local.get $xd) (local.get $d))
        (i32.store (local.get $xs) (local.get $sum))
        (local.set $xd (i32.add (local.get $xd) (i32.const 4)))
        (local.set $xs (i32.add (local.get $xs) (i32.const 4)))
        (br $blocks)))))
