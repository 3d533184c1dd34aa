;; Packed-weight kernels (scripts/build-wasm.mjs compiles this into quant-kernels-wasm.ts; only the
;; @transformer-kit/tensor/quant entry imports it).
;;
;; y[i·n + j] = Σ_p x[i, p] · W[j, p] for a packed weight W [n, k] and m activation rows, as llama.cpp computes
;; it, but with 16-bit activations: x quantized per block of 32 (x ≈ xd[b] · xq, xq an i16 in [-32767, 32767],
;; with the block sums xs[b] = Σ xq), exact integer dot products of weight codes and xq (i32x4.dot_i16x8_s),
;; one float multiply per block, float32 accumulation. Integer lanes stay below 2^31: a q8_0 block's lane holds
;; at most 8 products (8·128·32767), q4_k's 8·15·32767, q6_k's 2 groups of 4 products times a scale (8·32·128·32767).
;;   q8_0: per 32 {f16 d; i8 q[32]}                       y += d · xd · Σ q·xq
;;   q4_k: per 256 {f16 d, dmin; u8 sc[12]; u8 q[128]}    y += xd · (d·sc_s · Σ q·xq - dmin·m_s · xs), s = 32-block
;;   q6_k: per 256 {u8 ql[128]; u8 qh[64]; i8 sc[16]; f16 d}  y += d · xd · Σ_16-groups sc_g · Σ (q6 - 32)·xq
;; The f16 → f32 table (65536 floats) sits at address 0, written by the caller on instantiation; a scale is
;; read as f32.load(h << 2). Helpers are written out at each use: V8 does not inline WebAssembly calls.
(module
  (memory (export "memory") 5)
  (global (export "heapBase") i32 (i32.const 262144))

  ;; The row kernels below keep one f32x4 accumulator: each 32-block's integer dot (i32x4 lanes) is converted
  ;; to float and multiplied by that block's scale product, so there is one horizontal sum per row. The dot
  ;; products are written out (not called): V8 does not inline WebAssembly calls.

  ;; one row of q8_0 (kb blocks at $row) · one activation row ($x i16, $xd f32 per block)
  (func $row_q8_0 (param $row i32) (param $kb i32) (param $x i32) (param $xd i32) (result f32)
    (local $b i32) (local $acc v128) (local $w0 v128) (local $w1 v128)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $w0 (v128.load offset=2 (local.get $row)))
        (local.set $w1 (v128.load offset=18 (local.get $row)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
          (f32x4.splat (f32.mul (f32.load (i32.shl (i32.load16_u (local.get $row)) (i32.const 2))) (f32.load (local.get $xd))))
          (f32x4.convert_i32x4_s (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w0)) (v128.load  (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w0)) (v128.load offset=16 (local.get $x))))
            (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w1)) (v128.load offset=32 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w1)) (v128.load offset=48 (local.get $x)))))))))
        (local.set $row (i32.add (local.get $row) (i32.const 34)))
        (local.set $x (i32.add (local.get $x) (i32.const 64)))
        (local.set $xd (i32.add (local.get $xd) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

  ;; one row of q4_k (kb super-blocks) · one activation row ($x i16, $xd f32 and $xs i32 per 32-block)
  (func $row_q4_k (param $row i32) (param $kb i32) (param $x i32) (param $xd i32) (param $xs i32) (result f32)
    (local $b i32) (local $c i32) (local $j i32) (local $s i32) (local $acc v128) (local $mins f32) (local $d f32) (local $dmin f32)
    (local $qa v128) (local $qb v128) (local $la v128) (local $lb v128) (local $ha v128) (local $hb v128) (local $mask v128)
    (local $q i32) (local $sc0 i32) (local $m0 i32) (local $sc1 i32) (local $m1 i32)
    (local.set $mask (i8x16.splat (i32.const 15)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $d (f32.load (i32.shl (i32.load16_u (local.get $row)) (i32.const 2))))
        (local.set $dmin (f32.load (i32.shl (i32.load16_u (i32.add (local.get $row) (i32.const 2))) (i32.const 2))))
        (local.set $s (i32.add (local.get $row) (i32.const 4)))
        (local.set $c (i32.const 0))
        (loop $chunks
          ;; the 6-bit scales and mins of sub-blocks j = 2c and 2c + 1 (ggml's get_scale_min_k4, both branches
          ;; computed and one selected: for j < 4 the other reads bytes of this block's header, harmlessly)
          (local.set $j (i32.shl (local.get $c) (i32.const 1)))
          (local.set $sc0 (select
            (i32.and (i32.load8_u (i32.add (local.get $s) (local.get $j))) (i32.const 63))
            (i32.or (i32.and (i32.load8_u offset=4 (i32.add (local.get $s) (local.get $j))) (i32.const 15))
                    (i32.shl (i32.shr_u (i32.load8_u (i32.sub (i32.add (local.get $s) (local.get $j)) (i32.const 4))) (i32.const 6)) (i32.const 4)))
            (i32.lt_u (local.get $j) (i32.const 4))))
          (local.set $m0 (select
            (i32.and (i32.load8_u offset=4 (i32.add (local.get $s) (local.get $j))) (i32.const 63))
            (i32.or (i32.shr_u (i32.load8_u offset=4 (i32.add (local.get $s) (local.get $j))) (i32.const 4))
                    (i32.shl (i32.shr_u (i32.load8_u (i32.add (local.get $s) (local.get $j))) (i32.const 6)) (i32.const 4)))
            (i32.lt_u (local.get $j) (i32.const 4))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (local.set $sc1 (select
            (i32.and (i32.load8_u (i32.add (local.get $s) (local.get $j))) (i32.const 63))
            (i32.or (i32.and (i32.load8_u offset=4 (i32.add (local.get $s) (local.get $j))) (i32.const 15))
                    (i32.shl (i32.shr_u (i32.load8_u (i32.sub (i32.add (local.get $s) (local.get $j)) (i32.const 4))) (i32.const 6)) (i32.const 4)))
            (i32.lt_u (local.get $j) (i32.const 4))))
          (local.set $m1 (select
            (i32.and (i32.load8_u offset=4 (i32.add (local.get $s) (local.get $j))) (i32.const 63))
            (i32.or (i32.shr_u (i32.load8_u offset=4 (i32.add (local.get $s) (local.get $j))) (i32.const 4))
                    (i32.shl (i32.shr_u (i32.load8_u (i32.add (local.get $s) (local.get $j))) (i32.const 6)) (i32.const 4)))
            (i32.lt_u (local.get $j) (i32.const 4))))
          ;; 32 bytes of codes: low nibbles = sub-block 2c, high nibbles = sub-block 2c + 1
          (local.set $q (i32.add (local.get $row) (i32.add (i32.const 16) (i32.shl (local.get $c) (i32.const 5)))))
          (local.set $qa (v128.load (local.get $q)))
          (local.set $qb (v128.load offset=16 (local.get $q)))
          (local.set $la (v128.and (local.get $qa) (local.get $mask)))
          (local.set $lb (v128.and (local.get $qb) (local.get $mask)))
          (local.set $ha (i8x16.shr_u (local.get $qa) (i32.const 4)))
          (local.set $hb (i8x16.shr_u (local.get $qb) (i32.const 4)))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
            (f32x4.splat (f32.mul (f32.load (local.get $xd)) (f32.mul (local.get $d) (f32.convert_i32_u (local.get $sc0)))))
            (f32x4.convert_i32x4_s (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $la)) (v128.load  (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $la)) (v128.load offset=16 (local.get $x))))
              (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $lb)) (v128.load offset=32 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $lb)) (v128.load offset=48 (local.get $x)))))))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
            (f32x4.splat (f32.mul (f32.load offset=4 (local.get $xd)) (f32.mul (local.get $d) (f32.convert_i32_u (local.get $sc1)))))
            (f32x4.convert_i32x4_s (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $ha)) (v128.load offset=64 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $ha)) (v128.load offset=80 (local.get $x))))
              (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $hb)) (v128.load offset=96 (local.get $x))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $hb)) (v128.load offset=112 (local.get $x)))))))))
          ;; the minimums: dmin · m · Σ x̂ over each sub-block
          (local.set $mins (f32.add (local.get $mins) (f32.mul (local.get $dmin) (f32.add
            (f32.mul (f32.mul (f32.load (local.get $xd)) (f32.convert_i32_s (i32.load (local.get $xs)))) (f32.convert_i32_u (local.get $m0)))
            (f32.mul (f32.mul (f32.load offset=4 (local.get $xd)) (f32.convert_i32_s (i32.load offset=4 (local.get $xs)))) (f32.convert_i32_u (local.get $m1)))))))
          (local.set $x (i32.add (local.get $x) (i32.const 128)))
          (local.set $xd (i32.add (local.get $xd) (i32.const 8)))
          (local.set $xs (i32.add (local.get $xs) (i32.const 8)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $chunks (i32.lt_u (local.get $c) (i32.const 4))))
        (local.set $row (i32.add (local.get $row) (i32.const 144)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (f32.sub (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))) (local.get $mins)))

  ;; one row of q6_k (kb super-blocks) · one activation row ($x i16, $xd f32 per 32-block)
  (func $row_q6_k (param $row i32) (param $kb i32) (param $x i32) (param $xd i32) (result f32)
    (local $b i32) (local $n i32) (local $l i32) (local $acc v128) (local $d f32)
    (local $ql i32) (local $qh i32) (local $sc i32) (local $xp i32)
    (local $A v128) (local $B v128) (local $H v128) (local $m15 v128) (local $m3 v128) (local $m48 v128) (local $k32 v128)
    (local $w v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128)
    (local.set $m15 (i8x16.splat (i32.const 15)))
    (local.set $m3 (i8x16.splat (i32.const 3)))
    (local.set $m48 (i8x16.splat (i32.const 48)))
    (local.set $k32 (i8x16.splat (i32.const 32)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $d (f32.load (i32.shl (i32.load16_u (i32.add (local.get $row) (i32.const 208))) (i32.const 2))))
        (local.set $n (i32.const 0))
        (loop $halves
          (local.set $ql (i32.add (local.get $row) (i32.shl (local.get $n) (i32.const 6))))
          (local.set $qh (i32.add (local.get $row) (i32.add (i32.const 128) (i32.shl (local.get $n) (i32.const 5)))))
          (local.set $sc (i32.add (local.get $row) (i32.add (i32.const 192) (i32.shl (local.get $n) (i32.const 3)))))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $a2 (v128.const i32x4 0 0 0 0))
          (local.set $a3 (v128.const i32x4 0 0 0 0))
          (local.set $a4 (v128.const i32x4 0 0 0 0))
          (local.set $l (i32.const 0))
          (loop $groups
            ;; 16 values of each of the four 32-blocks of this half: l = 0 or 16, scale index l/16 + 0, 2, 4, 6;
            ;; lanes hold at most 2 groups · 4 products · 32 · 32767 · 128 < 2^31
            (local.set $A (v128.load (i32.add (local.get $ql) (local.get $l))))
            (local.set $B (v128.load offset=32 (i32.add (local.get $ql) (local.get $l))))
            (local.set $H (v128.load (i32.add (local.get $qh) (local.get $l))))
            (local.set $xp (i32.add (local.get $x) (i32.shl (local.get $l) (i32.const 1))))
            (local.set $w (i8x16.sub (v128.or (v128.and (local.get $A) (local.get $m15)) (i8x16.shl (v128.and (local.get $H) (local.get $m3)) (i32.const 4))) (local.get $k32)))
            (local.set $a1 (i32x4.add (local.get $a1) (i32x4.mul (i32x4.splat (i32.load8_s (i32.add (local.get $sc) (i32.shr_u (local.get $l) (i32.const 4)))))
              (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w)) (v128.load  (local.get $xp))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w)) (v128.load offset=16 (local.get $xp)))))))
            (local.set $w (i8x16.sub (v128.or (v128.and (local.get $B) (local.get $m15)) (v128.and (i8x16.shl (local.get $H) (i32.const 2)) (local.get $m48))) (local.get $k32)))
            (local.set $a2 (i32x4.add (local.get $a2) (i32x4.mul (i32x4.splat (i32.load8_s offset=2 (i32.add (local.get $sc) (i32.shr_u (local.get $l) (i32.const 4)))))
              (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w)) (v128.load offset=64 (local.get $xp))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w)) (v128.load offset=80 (local.get $xp)))))))
            (local.set $w (i8x16.sub (v128.or (i8x16.shr_u (local.get $A) (i32.const 4)) (v128.and (local.get $H) (local.get $m48))) (local.get $k32)))
            (local.set $a3 (i32x4.add (local.get $a3) (i32x4.mul (i32x4.splat (i32.load8_s offset=4 (i32.add (local.get $sc) (i32.shr_u (local.get $l) (i32.const 4)))))
              (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w)) (v128.load offset=128 (local.get $xp))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w)) (v128.load offset=144 (local.get $xp)))))))
            (local.set $w (i8x16.sub (v128.or (i8x16.shr_u (local.get $B) (i32.const 4)) (v128.and (i8x16.shr_u (local.get $H) (i32.const 2)) (local.get $m48))) (local.get $k32)))
            (local.set $a4 (i32x4.add (local.get $a4) (i32x4.mul (i32x4.splat (i32.load8_s offset=6 (i32.add (local.get $sc) (i32.shr_u (local.get $l) (i32.const 4)))))
              (i32x4.add (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $w)) (v128.load offset=192 (local.get $xp))) (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w)) (v128.load offset=208 (local.get $xp)))))))
            (local.set $l (i32.add (local.get $l) (i32.const 16)))
            (br_if $groups (i32.lt_u (local.get $l) (i32.const 32))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.add
            (f32x4.add
              (f32x4.mul (f32x4.splat (f32.mul (local.get $d) (f32.load (local.get $xd)))) (f32x4.convert_i32x4_s (local.get $a1)))
              (f32x4.mul (f32x4.splat (f32.mul (local.get $d) (f32.load offset=4 (local.get $xd)))) (f32x4.convert_i32x4_s (local.get $a2))))
            (f32x4.add
              (f32x4.mul (f32x4.splat (f32.mul (local.get $d) (f32.load offset=8 (local.get $xd)))) (f32x4.convert_i32x4_s (local.get $a3)))
              (f32x4.mul (f32x4.splat (f32.mul (local.get $d) (f32.load offset=12 (local.get $xd)))) (f32x4.convert_i32x4_s (local.get $a4)))))))
          (local.set $x (i32.add (local.get $x) (i32.const 256)))
          (local.set $xd (i32.add (local.get $xd) (i32.const 16)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br_if $halves (i32.lt_u (local.get $n) (i32.const 2))))
        (local.set $row (i32.add (local.get $row) (i32.const 210)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

  ;; y [m, n] = x [m, k] · Wᵀ for W [n, k] of `$type` (8 q8_0, 12 q4_k, 14 q6_k): every weight row against
  ;; every activation row, so a prompt reads each weight row once. $rowBytes = bytes of one weight row,
  ;; $kb = blocks per row (32-blocks for q8_0, 256-blocks for the K-quants), $k = row length.
  (func (export "matmul") (param $type i32) (param $w i32) (param $n i32) (param $rowBytes i32) (param $kb i32) (param $k i32)
                          (param $x i32) (param $xd i32) (param $xs i32) (param $m i32) (param $y i32)
    (local $j i32) (local $i i32) (local $row i32) (local $v f32)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $row (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $i (i32.const 0))
        (block $acts_done
          (loop $acts
            (br_if $acts_done (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $v
              (if (result f32) (i32.eq (local.get $type) (i32.const 12))
                (then (call $row_q4_k (local.get $row) (local.get $kb)
                  (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 1)))
                  (i32.add (local.get $xd) (i32.shr_u (i32.mul (local.get $i) (local.get $k)) (i32.const 3)))
                  (i32.add (local.get $xs) (i32.shr_u (i32.mul (local.get $i) (local.get $k)) (i32.const 3)))))
                (else (if (result f32) (i32.eq (local.get $type) (i32.const 14))
                  (then (call $row_q6_k (local.get $row) (local.get $kb)
                    (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 1)))
                    (i32.add (local.get $xd) (i32.shr_u (i32.mul (local.get $i) (local.get $k)) (i32.const 3)))))
                  (else (call $row_q8_0 (local.get $row) (local.get $kb)
                    (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 1)))
                    (i32.add (local.get $xd) (i32.shr_u (i32.mul (local.get $i) (local.get $k)) (i32.const 3)))))))))
            (f32.store (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))) (local.get $v))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $acts)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows)))))
