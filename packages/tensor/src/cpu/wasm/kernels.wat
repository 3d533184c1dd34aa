;; The CPU backend's WebAssembly kernels (scripts/build-wasm.mjs compiles this into kernels-wasm.ts).
;;
;; gemv: one row times a matrix with WebAssembly SIMD: y[j] = Σ_p x[p] · w[j·k + p] for j in [0, n).
;;   x: f64[k] (the row, widened once by the caller), w: f32[n·k] (row-major, a PyTorch-layout weight),
;;   y: f32[n]. Products and sums are float64, as in the JavaScript kernels, so both paths agree closely.
;; Two rows of w per pass share each load of x; four partial sums (two f64x2 per row) are added at the end.
(module
  (memory (export "memory") 1)
  ;; Constants of the attention kernel's exp, each in both lanes of a v128 at a fixed address below the heap
  ;; (a memory operand costs one instruction; V8 would rebuild a splatted constant on every use). Stored on
  ;; instantiation; the heap (the caller's blocks) starts at heapBase.
  (global (export "heapBase") i32 (i32.const 1024))
  (func $constants
    (v128.store (i32.const 0) (f64x2.splat (f64.const 1.4426950408889634))) ;; log2 e
    (v128.store (i32.const 16) (f64x2.splat (f64.const 6755399441055744))) ;; 1.5·2^52: adding it rounds to an integer
    (v128.store (i32.const 32) (f64x2.splat (f64.const 0.6931471803691238))) ;; ln 2, high part
    (v128.store (i32.const 48) (f64x2.splat (f64.const 1.9082149292705877e-10))) ;; ln 2, low part
    (v128.store (i32.const 64) (f64x2.splat (f64.const 1))) ;; 1/0!
    (v128.store (i32.const 80) (f64x2.splat (f64.const 0.5))) ;; 1/2!
    (v128.store (i32.const 96) (f64x2.splat (f64.const 0.16666666666666666))) ;; 1/3!
    (v128.store (i32.const 112) (f64x2.splat (f64.const 0.041666666666666664))) ;; 1/4!
    (v128.store (i32.const 128) (f64x2.splat (f64.const 0.008333333333333333))) ;; 1/5!
    (v128.store (i32.const 144) (f64x2.splat (f64.const 0.001388888888888889))) ;; 1/6!
    (v128.store (i32.const 160) (f64x2.splat (f64.const 0.0001984126984126984))) ;; 1/7!
    (v128.store (i32.const 176) (f64x2.splat (f64.const 2.48015873015873e-05))) ;; 1/8!
    (v128.store (i32.const 192) (f64x2.splat (f64.const 2.7557319223985893e-06))) ;; 1/9!
    (v128.store (i32.const 208) (f64x2.splat (f64.const 2.755731922398589e-07))) ;; 1/10!
    (v128.store (i32.const 224) (f64x2.splat (f64.const 2.505210838544172e-08))) ;; 1/11!
    (v128.store (i32.const 240) (f64x2.splat (f64.const -708))) ;; below this e^x is 0
    (v128.store (i32.const 256) (i64x2.splat (i64.const 1023)))) ;; the exponent bias
  (start $constants)

  (func (export "gemv") (param $x i32) (param $w i32) (param $y i32) (param $n i32) (param $k i32)
    (local $j i32) (local $p i32) (local $k4 i32) (local $rowA i32) (local $rowB i32)
    (local $t v128) (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $va v128) (local $vb v128) (local $xl v128) (local $xh v128)
    (local $sa f64) (local $sb f64) (local $xp f64)
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    ;; pairs of rows
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
        (local.set $rowA (i32.add (local.get $w) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2))))
        (local.set $rowB (i32.add (local.get $rowA) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $a0 (v128.const f64x2 0 0))
        (local.set $a1 (v128.const f64x2 0 0))
        (local.set $b0 (v128.const f64x2 0 0))
        (local.set $b1 (v128.const f64x2 0 0))
        (local.set $p (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_s (local.get $p) (local.get $k4)))
            (local.set $xl (v128.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $xh (v128.load offset=16 (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $va (v128.load (i32.add (local.get $rowA) (i32.shl (local.get $p) (i32.const 2)))))
            (local.set $vb (v128.load (i32.add (local.get $rowB) (i32.shl (local.get $p) (i32.const 2)))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $va)) (local.get $xl))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $va) (local.get $va)))
              (local.get $xh))))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $vb)) (local.get $xl))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vb) (local.get $vb)))
              (local.get $xh))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $vec)))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $a1)))
        (local.set $b0 (f64x2.add (local.get $b0) (local.get $b1)))
        (local.set $sa (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (local.set $sb (f64.add (f64x2.extract_lane 0 (local.get $b0)) (f64x2.extract_lane 1 (local.get $b0))))
        ;; k mod 4 tail
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_s (local.get $p) (local.get $k)))
            (local.set $xp (f64.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $sa (f64.add (local.get $sa) (f64.mul (local.get $xp)
              (f64.promote_f32 (f32.load (i32.add (local.get $rowA) (i32.shl (local.get $p) (i32.const 2))))))))
            (local.set $sb (f64.add (local.get $sb) (f64.mul (local.get $xp)
              (f64.promote_f32 (f32.load (i32.add (local.get $rowB) (i32.shl (local.get $p) (i32.const 2))))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $tail)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.demote_f64 (local.get $sa)))
        (f32.store offset=4 (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.demote_f64 (local.get $sb)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs)))
    ;; an odd last row
    (if (i32.lt_s (local.get $j) (local.get $n))
      (then
        (local.set $rowA (i32.add (local.get $w) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2))))
        (local.set $sa (f64.const 0))
        (local.set $p (i32.const 0))
        (block $last_done
          (loop $last
            (br_if $last_done (i32.ge_s (local.get $p) (local.get $k)))
            (local.set $sa (f64.add (local.get $sa) (f64.mul
              (f64.load (i32.add (local.get $x) (i32.shl (local.get $p) (i32.const 3))))
              (f64.promote_f32 (f32.load (i32.add (local.get $rowA) (i32.shl (local.get $p) (i32.const 2))))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $last)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.demote_f64 (local.get $sa))))))

  ;; attend: one query row over `visible` key/value rows (f32, `headDim` apart) into out (f32[headDim]):
  ;; out = softmax(q · kⱼ)ⱼ · v, with q f64[headDim] already scaled, scores f64[visible + 1] and acc
  ;; f64[headDim] as scratch. Float64 throughout, as the JavaScript kernel. Returns 0 when every score is
  ;; -Infinity (the caller writes zeros), else 1. Dimensions go four at a time with SIMD, any remainder one by
  ;; one; q and acc need no alignment.
  (func (export "attend") (param $q i32) (param $k i32) (param $v i32) (param $visible i32) (param $headDim i32)
    (param $scores i32) (param $acc i32) (param $out i32) (result i32)
    (local $j i32) (local $d i32) (local $row i32) (local $s f64) (local $max f64) (local $sum f64)
    (local $rowBytes i32) (local $d4 i32) (local $at i32) (local $kv v128) (local $lo v128) (local $hi v128)
    (local $x v128) (local $n v128) (local $r v128) (local $r2 v128) (local $r4 v128) (local $ev v128) (local $fv v128)
    (local $t v128) (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $end i32)
    (local.set $rowBytes (i32.shl (local.get $headDim) (i32.const 2)))
    (local.set $d4 (i32.and (local.get $headDim) (i32.const -4)))
    (local.set $max (f64.const -inf))
    ;; scores and their max (f64.max: NaN wins, as in the JavaScript kernel)
    (local.set $row (local.get $k))
    (local.set $j (i32.const 0))
    (block $scored
      (loop $score
        (br_if $scored (i32.ge_s (local.get $j) (local.get $visible)))
        ;; four dimensions at a time (float32 k widened to two float64 pairs), then the rest one by one
        (local.set $lo (v128.const f64x2 0 0))
        (local.set $hi (v128.const f64x2 0 0))
        (local.set $d (i32.const 0))
        (block $vdotted
          (loop $vdot
            (br_if $vdotted (i32.ge_s (local.get $d) (local.get $d4)))
            (local.set $kv (v128.load (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2)))))
            (local.set $lo (f64x2.add (local.get $lo) (f64x2.mul (f64x2.promote_low_f32x4 (local.get $kv))
              (v128.load (i32.add (local.get $q) (i32.shl (local.get $d) (i32.const 3)))))))
            (local.set $hi (f64x2.add (local.get $hi) (f64x2.mul
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $kv) (local.get $kv)))
              (v128.load offset=16 (i32.add (local.get $q) (i32.shl (local.get $d) (i32.const 3)))))))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $vdot)))
        (local.set $lo (f64x2.add (local.get $lo) (local.get $hi)))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo))))
        (block $dotted
          (loop $dot
            (br_if $dotted (i32.ge_s (local.get $d) (local.get $headDim)))
            (local.set $s (f64.add (local.get $s) (f64.mul
              (f64.load (i32.add (local.get $q) (i32.shl (local.get $d) (i32.const 3))))
              (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2))))))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $dot)))
        (f64.store (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 3))) (local.get $s))
        (local.set $max (f64.max (local.get $max) (local.get $s)))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $score)))
    (if (f64.eq (local.get $max) (f64.const -inf)) (then (return (i32.const 0))))
    ;; scores[j] = e^(sⱼ - max), two at a time, and their sum. An odd count is padded with -Infinity (its
    ;; e^x is exactly 0; scores has room for it). e^x for x <= 0: x = n·ln2 + r with |r| <= ln2/2, e^r by its
    ;; Taylor series to r^11 (error below 1e-14 relative) in Estrin's scheme (short dependency chains), times
    ;; 2^n built from the exponent bits. NaN stays NaN; below -708 (e^x < 1e-307) the lane is 0. Written out
    ;; here rather than called: a call per pair cost as much as the series.
    (if (i32.and (local.get $visible) (i32.const 1))
      (then (f64.store (i32.add (local.get $scores) (i32.shl (local.get $visible) (i32.const 3))) (f64.const -inf))))
    (local.set $lo (v128.const f64x2 0 0))
    (local.set $hi (f64x2.splat (local.get $max)))
    (local.set $j (i32.const 0))
    (block $exped
      (loop $expv
        (br_if $exped (i32.ge_s (local.get $j) (local.get $visible)))
        (local.set $at (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $x (f64x2.sub (v128.load (local.get $at)) (local.get $hi)))
        ;; constants by address (see $constants): 0 log2 e, 16 1.5·2^52, 32 and 48 ln 2 in two parts, 64 to 224
        ;; the series' 1/0!, 1/2!, …, 1/11! (1/1! is the bare r), 240 -708, 256 the exponent bias
        ;; n = round(x·log2 e): adding 1.5·2^52 rounds to an integer and leaves n in the low bits of $t
        (local.set $t (f64x2.add (f64x2.mul (local.get $x) (v128.load (i32.const 0))) (v128.load (i32.const 16))))
        (local.set $n (f64x2.sub (local.get $t) (v128.load (i32.const 16))))
        (local.set $r (f64x2.sub (f64x2.sub (local.get $x) (f64x2.mul (local.get $n) (v128.load (i32.const 32))))
                                 (f64x2.mul (local.get $n) (v128.load (i32.const 48)))))
        (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
        (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
        (local.set $kv
          (v128.andnot
            (f64x2.mul
              (f64x2.add
                (f64x2.add
                  (f64x2.add (f64x2.add (v128.load (i32.const 64)) (local.get $r))
                             (f64x2.mul (f64x2.add (v128.load (i32.const 80)) (f64x2.mul (v128.load (i32.const 96)) (local.get $r))) (local.get $r2)))
                  (f64x2.mul
                    (f64x2.add (f64x2.add (v128.load (i32.const 112)) (f64x2.mul (v128.load (i32.const 128)) (local.get $r)))
                               (f64x2.mul (f64x2.add (v128.load (i32.const 144)) (f64x2.mul (v128.load (i32.const 160)) (local.get $r))) (local.get $r2)))
                    (local.get $r4)))
                (f64x2.mul
                  (f64x2.add (f64x2.add (v128.load (i32.const 176)) (f64x2.mul (v128.load (i32.const 192)) (local.get $r)))
                             (f64x2.mul (f64x2.add (v128.load (i32.const 208)) (f64x2.mul (v128.load (i32.const 224)) (local.get $r))) (local.get $r2)))
                  (f64x2.mul (local.get $r4) (local.get $r4))))
              ;; 2^n: (n + 1023) into the exponent bits (the shift drops $t's high bits)
              (i64x2.shl (i64x2.add (local.get $t) (v128.load (i32.const 256))) (i32.const 52)))
            (f64x2.lt (local.get $x) (v128.load (i32.const 240)))))
        (v128.store (local.get $at) (local.get $kv))
        (local.set $lo (f64x2.add (local.get $lo) (local.get $kv)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $expv)))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo))))
    ;; acc[d] = Σⱼ scores[j] · vⱼ[d], four dimensions at a time over every row (the sums stay in registers:
    ;; even and odd rows in separate ones), then any remaining dimension one by one
    (local.set $end (i32.and (local.get $visible) (i32.const -2)))
    (local.set $d (i32.const 0))
    (block $vweighed
      (loop $vweigh
        (br_if $vweighed (i32.ge_s (local.get $d) (local.get $d4)))
        (local.set $a0 (v128.const f64x2 0 0))
        (local.set $a1 (v128.const f64x2 0 0))
        (local.set $b0 (v128.const f64x2 0 0))
        (local.set $b1 (v128.const f64x2 0 0))
        (local.set $row (i32.add (local.get $v) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $at (local.get $scores))
        (local.set $j (i32.const 0))
        (block $pairsdone
          (loop $pairs
            (br_if $pairsdone (i32.ge_s (local.get $j) (local.get $end)))
            (local.set $ev (v128.load64_splat (local.get $at)))
            (local.set $fv (v128.load64_splat offset=8 (local.get $at)))
            (local.set $kv (v128.load (local.get $row)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $ev) (f64x2.promote_low_f32x4 (local.get $kv)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $ev)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $kv) (local.get $kv))))))
            (local.set $kv (v128.load (i32.add (local.get $row) (local.get $rowBytes))))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $fv) (f64x2.promote_low_f32x4 (local.get $kv)))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $fv)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $kv) (local.get $kv))))))
            (local.set $row (i32.add (local.get $row) (i32.shl (local.get $rowBytes) (i32.const 1))))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pairs)))
        (if (i32.lt_s (local.get $j) (local.get $visible))
          (then
            (local.set $ev (v128.load64_splat (local.get $at)))
            (local.set $kv (v128.load (local.get $row)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $ev) (f64x2.promote_low_f32x4 (local.get $kv)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $ev)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $kv) (local.get $kv))))))))
        (local.set $at (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 3))))
        (v128.store (local.get $at) (f64x2.add (local.get $a0) (local.get $b0)))
        (v128.store offset=16 (local.get $at) (f64x2.add (local.get $a1) (local.get $b1)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $vweigh)))
    (block $weighed
      (loop $weigh
        (br_if $weighed (i32.ge_s (local.get $d) (local.get $headDim)))
        (local.set $s (f64.const 0))
        (local.set $row (i32.add (local.get $v) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $added
          (loop $add
            (br_if $added (i32.ge_s (local.get $j) (local.get $visible)))
            (local.set $s (f64.add (local.get $s)
              (f64.mul (f64.load (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 3))))
                (f64.promote_f32 (f32.load (local.get $row))))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $add)))
        (f64.store (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 3))) (local.get $s))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $weigh)))
    ;; out = acc / sum
    (local.set $sum (f64.div (f64.const 1) (local.get $sum)))
    (local.set $d (i32.const 0))
    (block $written
      (loop $write
        (br_if $written (i32.ge_s (local.get $d) (local.get $headDim)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $d) (i32.const 2)))
          (f32.demote_f64 (f64.mul (f64.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 3))))
            (local.get $sum))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $write)))
    (i32.const 1)))
