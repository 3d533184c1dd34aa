;; A part of kernels.wat, the CPU backend's float32 module: the row kernels: RMSNorm, LayerNorm, softmax, argmax, RoPE.
;; scripts/wat-source.mjs puts it in place of its `;; include kernels/rows.wat` line; the rules every kernel
;; keeps are in kernels.wat's header.
  ;; ---------------------------------------------------------------------------------------------------------
  ;; Row kernels — outer index: rows of length dim
  ;; ---------------------------------------------------------------------------------------------------------

  ;; Σ x[d] (square = 0) or Σ (x[d] − shift)² (square = 1) over a row: lanes of two accumulators over d mod 8,
  ;; added lane-wise, then (l0 + l2) + (l1 + l3), then the dim mod 8 tail in order.
  (func $rowSum (param $x i32) (param $dim i32) (param $square i32) (param $shift f32) (result f32)
    (local $d i32) (local $d8 i32) (local $lo v128) (local $hi v128) (local $a v128) (local $b v128)
    (local $sv v128) (local $s f32) (local $t f32)
    (local.set $d8 (i32.and (local.get $dim) (i32.const -8)))
    (local.set $sv (f32x4.splat (local.get $shift)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $d) (local.get $d8)))
        (local.set $a (v128.load (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $b (v128.load offset=16 (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2)))))
        (if (local.get $square)
          (then
            (local.set $a (f32x4.sub (local.get $a) (local.get $sv)))
            (local.set $b (f32x4.sub (local.get $b) (local.get $sv)))
            (local.set $a (f32x4.mul (local.get $a) (local.get $a)))
            (local.set $b (f32x4.mul (local.get $b) (local.get $b)))))
        (local.set $lo (f32x4.add (local.get $lo) (local.get $a)))
        (local.set $hi (f32x4.add (local.get $hi) (local.get $b)))
        (local.set $d (i32.add (local.get $d) (i32.const 8)))
        (br $vec)))
    (local.set $s (call $hsum (f32x4.add (local.get $lo) (local.get $hi))))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $d) (local.get $dim)))
        (local.set $t (f32.load (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2)))))
        (if (local.get $square)
          (then
            (local.set $t (f32.sub (local.get $t) (local.get $shift)))
            (local.set $t (f32.mul (local.get $t) (local.get $t)))))
        (local.set $s (f32.add (local.get $s) (local.get $t)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $tail)))
    (local.get $s))

  ;; y[d] = ((x[d] − shift)·scale)·gamma[d] + beta[d] over a row; gamma / beta = 0 leave their step out.
  (func $normalizeRow (param $x i32) (param $y i32) (param $dim i32) (param $shift f32) (param $scale f32)
    (param $gamma i32) (param $beta i32)
    (local $d i32) (local $d4 i32) (local $t v128) (local $sv v128) (local $mv v128) (local $s f32)
    (local.set $d4 (i32.and (local.get $dim) (i32.const -4)))
    (local.set $mv (f32x4.splat (local.get $shift)))
    (local.set $sv (f32x4.splat (local.get $scale)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $d) (local.get $d4)))
        (local.set $t (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2)))) (local.get $mv))
          (local.get $sv)))
        (if (local.get $gamma)
          (then (local.set $t (f32x4.mul (local.get $t) (v128.load (i32.add (local.get $gamma) (i32.shl (local.get $d) (i32.const 2))))))))
        (if (local.get $beta)
          (then (local.set $t (f32x4.add (local.get $t) (v128.load (i32.add (local.get $beta) (i32.shl (local.get $d) (i32.const 2))))))))
        (v128.store (i32.add (local.get $y) (i32.shl (local.get $d) (i32.const 2))) (local.get $t))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $d) (local.get $dim)))
        (local.set $s (f32.mul (f32.sub (f32.load (i32.add (local.get $x) (i32.shl (local.get $d) (i32.const 2)))) (local.get $shift))
          (local.get $scale)))
        (if (local.get $gamma)
          (then (local.set $s (f32.mul (local.get $s) (f32.load (i32.add (local.get $gamma) (i32.shl (local.get $d) (i32.const 2))))))))
        (if (local.get $beta)
          (then (local.set $s (f32.add (local.get $s) (f32.load (i32.add (local.get $beta) (i32.shl (local.get $d) (i32.const 2))))))))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $d) (i32.const 2))) (local.get $s))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $tail))))

  ;; rmsnorm(x, gamma, y, dim, eps, scratch, begin, end): y = x / sqrt(mean(x²) + eps) · gamma (gamma = 0: none).
  ;; As llama2.c: ss = Σx² / dim + eps, then x·(1/√ss)·gamma, in float32.
  (func (export "rmsnorm") (param $x i32) (param $gamma i32) (param $y i32) (param $dim i32) (param $eps f32)
    (param $scratch i32) (param $begin i32) (param $end i32)
    (local $r i32) (local $off i32) (local $ss f32)
    (local.set $r (local.get $begin))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $off (i32.mul (local.get $r) (i32.shl (local.get $dim) (i32.const 2))))
        (local.set $ss (f32.add (f32.div (call $rowSum (i32.add (local.get $x) (local.get $off)) (local.get $dim) (i32.const 1) (f32.const 0))
          (f32.convert_i32_u (local.get $dim))) (local.get $eps)))
        (call $normalizeRow (i32.add (local.get $x) (local.get $off)) (i32.add (local.get $y) (local.get $off)) (local.get $dim)
          (f32.const 0) (f32.div (f32.const 1) (f32.sqrt (local.get $ss))) (local.get $gamma) (i32.const 0))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; layernorm(x, gamma, beta, y, dim, eps, scratch, begin, end): (x − mean)/sqrt(var + eps)·gamma + beta, the
  ;; biased variance as PyTorch, gamma / beta = 0: none. Two passes (mean, then Σ(x − mean)²) keep float32 sums
  ;; accurate for rows far from zero.
  (func (export "layernorm") (param $x i32) (param $gamma i32) (param $beta i32) (param $y i32) (param $dim i32)
    (param $eps f32) (param $scratch i32) (param $begin i32) (param $end i32)
    (local $r i32) (local $off i32) (local $mean f32) (local $var f32) (local $n f32)
    (local.set $n (f32.convert_i32_u (local.get $dim)))
    (local.set $r (local.get $begin))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $off (i32.mul (local.get $r) (i32.shl (local.get $dim) (i32.const 2))))
        (local.set $mean (f32.div (call $rowSum (i32.add (local.get $x) (local.get $off)) (local.get $dim) (i32.const 0) (f32.const 0))
          (local.get $n)))
        (local.set $var (f32.div (call $rowSum (i32.add (local.get $x) (local.get $off)) (local.get $dim) (i32.const 1) (local.get $mean))
          (local.get $n)))
        (call $normalizeRow (i32.add (local.get $x) (local.get $off)) (i32.add (local.get $y) (local.get $off)) (local.get $dim)
          (local.get $mean) (f32.div (f32.const 1) (f32.sqrt (f32.add (local.get $var) (local.get $eps))))
          (local.get $gamma) (local.get $beta))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; softmax(x, y, dim, scratch, begin, end): max-subtracted; a row of all -Infinity becomes zeros.
  (func (export "softmax") (param $x i32) (param $y i32) (param $dim i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (local $r i32) (local $off i32) (local $d i32) (local $d4 i32) (local $mv v128) (local $max f32)
    (local.set $d4 (i32.and (local.get $dim) (i32.const -4)))
    (local.set $r (local.get $begin))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $off (i32.mul (local.get $r) (i32.shl (local.get $dim) (i32.const 2))))
        ;; the max (f32.max: NaN wins, so a NaN row stays NaN)
        (local.set $mv (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $d (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $d) (local.get $d4)))
            (local.set $mv (f32x4.max (local.get $mv)
              (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (i32.shl (local.get $d) (i32.const 2)))))))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $vec)))
        (local.set $max (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
          (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $d) (local.get $dim)))
            (local.set $max (f32.max (local.get $max)
              (f32.load (i32.add (local.get $x) (i32.add (local.get $off) (i32.shl (local.get $d) (i32.const 2)))))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $tail)))
        (if (f32.eq (local.get $max) (f32.const -inf))
          (then (memory.fill (i32.add (local.get $y) (local.get $off)) (i32.const 0) (i32.shl (local.get $dim) (i32.const 2))))
          (else
            (call $scaleInto (i32.add (local.get $y) (local.get $off)) (i32.add (local.get $y) (local.get $off)) (local.get $dim)
              (f32.div (f32.const 1)
                (call $expShift (i32.add (local.get $x) (local.get $off)) (i32.add (local.get $y) (local.get $off)) (local.get $dim) (local.get $max))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; argmax(x, y, n, scratch, begin, end) — outer index: rows: y[r] (an int32) = the first index of the largest
  ;; value of row r of x [rows, n], n ≥ 1, or the index of the row's first NaN (NaN counts as the largest, as
  ;; torch.argmax and the TypeScript reduce kernel). Each of four lanes keeps its own max and that max's first
  ;; index (only a strictly greater value replaces it); then the largest lane value wins, the smallest index
  ;; among equal ones (±0 are equal), which is the first index of the row's max: the same answer as a scan from
  ;; the front, and compares only, so exact whatever the split. NaN lanes are OR-ed as they go; a row with one is
  ;; scanned again from the front for the first. (A greedy decode step takes this over a 32000-word vocabulary:
  ;; in TypeScript it was ~50 µs of CPU, ~2% of a random 15M Llama's step.)
  (func (export "argmax") (param $x i32) (param $y i32) (param $n i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (local $r i32) (local $p i32) (local $i i32) (local $n4 i32) (local $best i32) (local $li i32)
    (local $m v128) (local $mi v128) (local $idx v128) (local $v v128) (local $gt v128) (local $nan v128)
    (local $bv f32) (local $t f32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $r (local.get $begin))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $p (i32.add (local.get $x) (i32.mul (local.get $r) (i32.shl (local.get $n) (i32.const 2)))))
        (block $found
          (if (i32.ge_u (local.get $n) (i32.const 4))
            (then
              (local.set $m (v128.load (local.get $p)))
              (local.set $nan (f32x4.ne (local.get $m) (local.get $m)))
              (local.set $mi (v128.const i32x4 0 1 2 3))
              (local.set $idx (v128.const i32x4 4 5 6 7))
              (local.set $i (i32.const 4))
              (block $vec_done
                (loop $vec
                  (br_if $vec_done (i32.ge_u (local.get $i) (local.get $n4)))
                  (local.set $v (v128.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
                  (local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))
                  (local.set $gt (f32x4.gt (local.get $v) (local.get $m)))
                  (local.set $m (v128.bitselect (local.get $v) (local.get $m) (local.get $gt)))
                  (local.set $mi (v128.bitselect (local.get $idx) (local.get $mi) (local.get $gt)))
                  (local.set $idx (i32x4.add (local.get $idx) (v128.const i32x4 4 4 4 4)))
                  (local.set $i (i32.add (local.get $i) (i32.const 4)))
                  (br $vec)))
              (if (v128.any_true (local.get $nan))
                (then
                  (local.set $best (i32.const 0))
                  (loop $scan
                    (local.set $t (f32.load (i32.add (local.get $p) (i32.shl (local.get $best) (i32.const 2)))))
                    (br_if $found (f32.ne (local.get $t) (local.get $t)))
                    (local.set $best (i32.add (local.get $best) (i32.const 1)))
                    (br $scan))))
              ;; the lanes: the largest value, the smallest index among equal ones
              (local.set $bv (f32x4.extract_lane 0 (local.get $m)))
              (local.set $best (i32x4.extract_lane 0 (local.get $mi)))
              (local.set $t (f32x4.extract_lane 1 (local.get $m)))
              (local.set $li (i32x4.extract_lane 1 (local.get $mi)))
              (if (i32.or (f32.gt (local.get $t) (local.get $bv))
                    (i32.and (f32.eq (local.get $t) (local.get $bv)) (i32.lt_s (local.get $li) (local.get $best))))
                (then (local.set $bv (local.get $t)) (local.set $best (local.get $li))))
              (local.set $t (f32x4.extract_lane 2 (local.get $m)))
              (local.set $li (i32x4.extract_lane 2 (local.get $mi)))
              (if (i32.or (f32.gt (local.get $t) (local.get $bv))
                    (i32.and (f32.eq (local.get $t) (local.get $bv)) (i32.lt_s (local.get $li) (local.get $best))))
                (then (local.set $bv (local.get $t)) (local.set $best (local.get $li))))
              (local.set $t (f32x4.extract_lane 3 (local.get $m)))
              (local.set $li (i32x4.extract_lane 3 (local.get $mi)))
              (if (i32.or (f32.gt (local.get $t) (local.get $bv))
                    (i32.and (f32.eq (local.get $t) (local.get $bv)) (i32.lt_s (local.get $li) (local.get $best))))
                (then (local.set $bv (local.get $t)) (local.set $best (local.get $li))))
              (local.set $i (local.get $n4)))
            (else
              (local.set $bv (f32.load (local.get $p)))
              (local.set $best (i32.const 0))
              (br_if $found (f32.ne (local.get $bv) (local.get $bv)))
              (local.set $i (i32.const 1))))
          ;; the n mod 4 tail (or a row shorter than four), in order
          (block $tail_done
            (loop $tail
              (br_if $tail_done (i32.ge_u (local.get $i) (local.get $n)))
              (local.set $t (f32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
              (if (f32.ne (local.get $t) (local.get $t)) (then (local.set $best (local.get $i)) (br $found)))
              (if (f32.gt (local.get $t) (local.get $bv)) (then (local.set $bv (local.get $t)) (local.set $best (local.get $i))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $tail))))
        (i32.store (i32.add (local.get $y) (i32.shl (local.get $r) (i32.const 2))) (local.get $best))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; rope(x, cos, sin, y, seq, dim, half, layout, scratch, begin, end) — outer index: rows of x viewed as
  ;; [R·seq, dim], row r at position r mod seq; cos/sin [seq, half]. layout 0 (interleaved) rotates pairs
  ;; (2i, 2i+1), layout 1 (halves) pairs (i, i + half): (a, b) → (a·c − b·s, a·s + b·c). Dimensions from 2·half
  ;; on are copied. y may be x.
  (func (export "rope") (param $x i32) (param $cos i32) (param $sin i32) (param $y i32) (param $seq i32) (param $dim i32)
    (param $half i32) (param $layout i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (local $r i32) (local $xr i32) (local $yr i32) (local $cr i32) (local $sr i32) (local $i i32) (local $i4 i32)
    (local $hb i32) (local $a v128) (local $b v128) (local $c v128) (local $s v128)
    (local $fa f32) (local $fb f32) (local $fc f32) (local $fs f32)
    (local.set $hb (i32.shl (local.get $half) (i32.const 2)))
    (local.set $r (local.get $begin))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (i32.shl (local.get $dim) (i32.const 2)))))
        (local.set $yr (i32.add (local.get $y) (i32.mul (local.get $r) (i32.shl (local.get $dim) (i32.const 2)))))
        (local.set $cr (i32.add (local.get $cos) (i32.mul (i32.rem_u (local.get $r) (local.get $seq)) (local.get $hb))))
        (local.set $sr (i32.add (local.get $sin) (i32.mul (i32.rem_u (local.get $r) (local.get $seq)) (local.get $hb))))
        (local.set $i (i32.const 0))
        (if (local.get $layout)
          (then
            ;; halves: a = x[i], b = x[i + half], four i at a time
            (local.set $i4 (i32.and (local.get $half) (i32.const -4)))
            (block $vec_done
              (loop $vec
                (br_if $vec_done (i32.ge_u (local.get $i) (local.get $i4)))
                (local.set $a (v128.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $b (v128.load (i32.add (i32.add (local.get $xr) (local.get $hb)) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $c (v128.load (i32.add (local.get $cr) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $s (v128.load (i32.add (local.get $sr) (i32.shl (local.get $i) (i32.const 2)))))
                (v128.store (i32.add (local.get $yr) (i32.shl (local.get $i) (i32.const 2)))
                  (f32x4.sub (f32x4.mul (local.get $a) (local.get $c)) (f32x4.mul (local.get $b) (local.get $s))))
                (v128.store (i32.add (i32.add (local.get $yr) (local.get $hb)) (i32.shl (local.get $i) (i32.const 2)))
                  (f32x4.add (f32x4.mul (local.get $a) (local.get $s)) (f32x4.mul (local.get $b) (local.get $c))))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $vec)))
            (block $tail_done
              (loop $tail
                (br_if $tail_done (i32.ge_u (local.get $i) (local.get $half)))
                (local.set $fa (f32.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $fb (f32.load (i32.add (i32.add (local.get $xr) (local.get $hb)) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $fc (f32.load (i32.add (local.get $cr) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $fs (f32.load (i32.add (local.get $sr) (i32.shl (local.get $i) (i32.const 2)))))
                (f32.store (i32.add (local.get $yr) (i32.shl (local.get $i) (i32.const 2)))
                  (f32.sub (f32.mul (local.get $fa) (local.get $fc)) (f32.mul (local.get $fb) (local.get $fs))))
                (f32.store (i32.add (i32.add (local.get $yr) (local.get $hb)) (i32.shl (local.get $i) (i32.const 2)))
                  (f32.add (f32.mul (local.get $fa) (local.get $fs)) (f32.mul (local.get $fb) (local.get $fc))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $tail))))
          (else
            ;; interleaved: two pairs (four floats) at a time; [a0 b0 a1 b1]·[c0 c0 c1 c1] + [b0 a0 b1 a1]·[−s0 s0 −s1 s1]
            (local.set $i4 (i32.and (local.get $half) (i32.const -2)))
            (block $vec_done
              (loop $vec
                (br_if $vec_done (i32.ge_u (local.get $i) (local.get $i4)))
                (local.set $a (v128.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 3)))))
                (local.set $c (v128.load64_splat (i32.add (local.get $cr) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $s (v128.load64_splat (i32.add (local.get $sr) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $c (i8x16.shuffle 0 1 2 3 0 1 2 3 4 5 6 7 4 5 6 7 (local.get $c) (local.get $c)))
                (local.set $s (f32x4.mul (i8x16.shuffle 0 1 2 3 0 1 2 3 4 5 6 7 4 5 6 7 (local.get $s) (local.get $s))
                  (v128.const f32x4 -1 1 -1 1)))
                (local.set $b (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $a) (local.get $a)))
                (v128.store (i32.add (local.get $yr) (i32.shl (local.get $i) (i32.const 3)))
                  (f32x4.add (f32x4.mul (local.get $a) (local.get $c)) (f32x4.mul (local.get $b) (local.get $s))))
                (local.set $i (i32.add (local.get $i) (i32.const 2)))
                (br $vec)))
            (if (i32.lt_u (local.get $i) (local.get $half))
              (then
                (local.set $fa (f32.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 3)))))
                (local.set $fb (f32.load offset=4 (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 3)))))
                (local.set $fc (f32.load (i32.add (local.get $cr) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $fs (f32.load (i32.add (local.get $sr) (i32.shl (local.get $i) (i32.const 2)))))
                (f32.store (i32.add (local.get $yr) (i32.shl (local.get $i) (i32.const 3)))
                  (f32.sub (f32.mul (local.get $fa) (local.get $fc)) (f32.mul (local.get $fb) (local.get $fs))))
                (f32.store offset=4 (i32.add (local.get $yr) (i32.shl (local.get $i) (i32.const 3)))
                  (f32.add (f32.mul (local.get $fa) (local.get $fs)) (f32.mul (local.get $fb) (local.get $fc))))))))
        ;; the dimensions past the rotary ones
        (if (i32.ne (local.get $x) (local.get $y))
          (then (memory.copy (i32.add (local.get $yr) (i32.shl (local.get $hb) (i32.const 1)))
            (i32.add (local.get $xr) (i32.shl (local.get $hb) (i32.const 1)))
            (i32.shl (i32.sub (local.get $dim) (i32.shl (local.get $half) (i32.const 1))) (i32.const 2)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))
