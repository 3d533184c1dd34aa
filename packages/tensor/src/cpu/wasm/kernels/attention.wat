;; A part of kernels.wat, the CPU backend's float32 module: attention over a KV cache, with an online softmax across chunks of keys.
;; scripts/wat-source.mjs puts it in place of its `;; include kernels/attention.wat` line; the rules every kernel
;; keeps are in kernels.wat's header.
  ;; ---------------------------------------------------------------------------------------------------------
  ;; attention(q, k, v, out, seqQ, kvLength, kvCapacity, headDim, heads, kvHeads, scale, causal, queryOffset,
  ;;           scratch, begin, end) — outer index: batch·heads
  ;;   q, out [B, H, seqQ, D]; k, v [B, KVH, kvCapacity, D] (a KV cache: only the first kvLength rows are read);
  ;;   query head h reads k/v head h / (H / KVH) (grouped-query attention). Query row i sees keys
  ;;   [0, min(kvLength, queryOffset + i + 1)) when causal, else [0, kvLength); a row that sees nothing (or
  ;;   whose scores are all -Infinity) is zeros.
  ;; Keys go in chunks of 8192 (scores in scratch) with an online softmax across chunks: a row of up to 8192
  ;; visible keys is the plain two-pass softmax (scores, max, e^(s − max) and their sum, then Σ p·v / sum).
  ;; Scratch: q·scale [D], the output accumulator [D] (each padded to 16 bytes), then the chunk's scores.
  ;; ---------------------------------------------------------------------------------------------------------

  ;; scores[j] = qs · k_j for cn rows of k (rowBytes apart); returns their max (NaN if any is NaN).
  ;; Each score is four lanes over d mod 4 summed as (l0 + l2) + (l1 + l3), then the headDim mod 4 tail in order.
  ;; Four keys at a time (four independent sums, their lanes combined by shuffles into the same order), then
  ;; the keys left over one at a time: the same bits either way.
  (func $scoreRows (param $qs i32) (param $krow i32) (param $cn i32) (param $headDim i32) (param $scores i32) (result f32)
    (local $j i32) (local $d i32) (local $d4 i32) (local $rowBytes i32) (local $acc v128) (local $s f32) (local $max f32)
    (local $k1 i32) (local $k2 i32) (local $k3 i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $qv v128) (local $u0 v128) (local $u1 v128) (local $sv v128) (local $maxv v128) (local $kv v128)
    (local.set $d4 (i32.and (local.get $headDim) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $headDim) (i32.const 2)))
    (local.set $maxv (v128.const f32x4 -inf -inf -inf -inf))
    (block $quads_done
      (loop $quads
        (br_if $quads_done (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $cn)))
        (local.set $k1 (i32.add (local.get $krow) (local.get $rowBytes)))
        (local.set $k2 (i32.add (local.get $k1) (local.get $rowBytes)))
        (local.set $k3 (i32.add (local.get $k2) (local.get $rowBytes)))
        (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $d) (i32.shl (local.get $d4) (i32.const 2))))
            (local.set $qv (v128.load (i32.add (local.get $qs) (local.get $d))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $krow) (local.get $d))))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k1) (local.get $d))))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k2) (local.get $d))))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k3) (local.get $d))))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $vec)))
        ;; lane j of sv = (aj0 + aj2) + (aj1 + aj3), the order $hsum uses
        (local.set $u0 (f32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
        (local.set $u1 (f32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
        (local.set $sv (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u1))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u1))))
        ;; the headDim mod 4 tail, one dimension at a time for the four keys
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $d) (local.get $rowBytes)))
            (local.set $kv (f32x4.splat (f32.load (i32.add (local.get $krow) (local.get $d)))))
            (local.set $kv (f32x4.replace_lane 1 (local.get $kv) (f32.load (i32.add (local.get $k1) (local.get $d)))))
            (local.set $kv (f32x4.replace_lane 2 (local.get $kv) (f32.load (i32.add (local.get $k2) (local.get $d)))))
            (local.set $kv (f32x4.replace_lane 3 (local.get $kv) (f32.load (i32.add (local.get $k3) (local.get $d)))))
            (local.set $sv (f32x4.add (local.get $sv) (f32x4.mul (v128.load32_splat (i32.add (local.get $qs) (local.get $d))) (local.get $kv))))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $tail)))
        (v128.store (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2))) (local.get $sv))
        (local.set $maxv (f32x4.max (local.get $maxv) (local.get $sv)))
        (local.set $krow (i32.add (local.get $k3) (local.get $rowBytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $quads)))
    (local.set $max (f32.max (f32.max (f32x4.extract_lane 0 (local.get $maxv)) (f32x4.extract_lane 1 (local.get $maxv)))
      (f32.max (f32x4.extract_lane 2 (local.get $maxv)) (f32x4.extract_lane 3 (local.get $maxv)))))
    ;; the keys left over, one at a time
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $j) (local.get $cn)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $d) (local.get $d4)))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
              (v128.load (i32.add (local.get $qs) (i32.shl (local.get $d) (i32.const 2))))
              (v128.load (i32.add (local.get $krow) (i32.shl (local.get $d) (i32.const 2)))))))
            (local.set $d (i32.add (local.get $d) (i32.const 4)))
            (br $vec)))
        (local.set $s (call $hsum (local.get $acc)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $d) (local.get $headDim)))
            (local.set $s (f32.add (local.get $s) (f32.mul
              (f32.load (i32.add (local.get $qs) (i32.shl (local.get $d) (i32.const 2))))
              (f32.load (i32.add (local.get $krow) (i32.shl (local.get $d) (i32.const 2)))))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $tail)))
        (f32.store (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
        (local.set $max (f32.max (local.get $max) (local.get $s)))
        (local.set $krow (i32.add (local.get $krow) (local.get $rowBytes)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows)))
    (local.get $max))

  ;; dst[j] = e^(src[j] − max) for j < count; returns their sum (lanes of one accumulator over j mod 4, then
  ;; (l0 + l2) + (l1 + l3), then the count mod 4 tail in order). src and dst may be the same.
  (func $expShift (param $src i32) (param $dst i32) (param $count i32) (param $max f32) (result f32)
    (local $j i32) (local $c4 i32) (local $mv v128) (local $e v128) (local $e2 v128) (local $sum v128) (local $s f32) (local $t f32)
    (local.set $c4 (i32.and (local.get $count) (i32.const -4)))
    (local.set $mv (f32x4.splat (local.get $max)))
    (block $oct_done
      (loop $oct
        (br_if $oct_done (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $c4)))
        (call $exp2
          (f32x4.sub (v128.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (local.get $mv))
          (f32x4.sub (v128.load offset=16 (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (local.get $mv)))
        (local.set $e2)
        (local.set $e)
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (local.get $e))
        (v128.store offset=16 (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (local.get $e2))
        (local.set $sum (f32x4.add (f32x4.add (local.get $sum) (local.get $e)) (local.get $e2)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $oct)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $j) (local.get $c4)))
        (local.set $e (call $exp (f32x4.sub (v128.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (local.get $mv))))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (local.get $e))
        (local.set $sum (f32x4.add (local.get $sum) (local.get $e)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vec)))
    (local.set $s (call $hsum (local.get $sum)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $j) (local.get $count)))
        (local.set $t (f32x4.extract_lane 0 (call $exp (f32x4.splat (f32.sub
          (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (local.get $max))))))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
        (local.set $s (f32.add (local.get $s) (local.get $t)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail)))
    (local.get $s))

  ;; acc[d] += Σ_j p[j]·v[j, d] over cn rows of v (rowBytes apart), j in order for every d; 16 dimensions at a
  ;; time in registers (then 8, 4, 1), so each row of v is read once per 16 dimensions.
  (func $accumulateRows (param $p i32) (param $vrow i32) (param $cn i32) (param $headDim i32) (param $acc i32)
    (local $d i32) (local $j i32) (local $row i32) (local $rowBytes i32) (local $pj v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)
    (local.set $rowBytes (i32.shl (local.get $headDim) (i32.const 2)))
    (block $d16_done
      (loop $d16
        (br_if $d16_done (i32.gt_u (i32.add (local.get $d) (i32.const 16)) (local.get $headDim)))
        (local.set $a0 (v128.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $a3 (v128.load offset=48 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $row (i32.add (local.get $vrow) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $jl
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $cn)))
            (local.set $pj (v128.load32_splat (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $pj) (v128.load (local.get $row)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $pj) (v128.load offset=16 (local.get $row)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $pj) (v128.load offset=32 (local.get $row)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $pj) (v128.load offset=48 (local.get $row)))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (v128.store (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $a1))
        (v128.store offset=32 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $a2))
        (v128.store offset=48 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $a3))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (br $d16)))
    (if (i32.le_u (i32.add (local.get $d) (i32.const 8)) (local.get $headDim))
      (then
        ;; 8 dimensions (a head of 8 in one pass over the rows)
        (local.set $a0 (v128.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $row (i32.add (local.get $vrow) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $jl
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $cn)))
            (local.set $pj (v128.load32_splat (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $pj) (v128.load (local.get $row)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $pj) (v128.load offset=16 (local.get $row)))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (v128.store (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $a1))
        (local.set $d (i32.add (local.get $d) (i32.const 8)))))
    (block $d4_done
      (loop $d4
        (br_if $d4_done (i32.gt_u (i32.add (local.get $d) (i32.const 4)) (local.get $headDim)))
        (local.set $a0 (v128.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $row (i32.add (local.get $vrow) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $jl
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $cn)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
              (v128.load32_splat (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))) (v128.load (local.get $row)))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (v128.store (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $a0))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $d4)))
    (block $d1_done
      (loop $d1
        (br_if $d1_done (i32.ge_u (local.get $d) (local.get $headDim)))
        (local.set $s (f32.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2)))))
        (local.set $row (i32.add (local.get $vrow) (i32.shl (local.get $d) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $jl
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $cn)))
            (local.set $s (f32.add (local.get $s) (f32.mul
              (f32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))) (f32.load (local.get $row)))))
            (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (f32.store (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 2))) (local.get $s))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $d1))))

  ;; dst[d] = src[d]·s for d < count (four at a time, then one by one: the same product either way).
  (func $scaleInto (param $src i32) (param $dst i32) (param $count i32) (param $s f32)
    (local $d i32) (local $c4 i32) (local $sv v128)
    (local.set $c4 (i32.and (local.get $count) (i32.const -4)))
    (local.set $sv (f32x4.splat (local.get $s)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $d) (local.get $c4)))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $d) (i32.const 2)))
          (f32x4.mul (v128.load (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 2)))) (local.get $sv)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $d) (local.get $count)))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $d) (i32.const 2)))
          (f32.mul (f32.load (i32.add (local.get $src) (i32.shl (local.get $d) (i32.const 2)))) (local.get $s)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $tail))))

  (func (export "attention") (param $q i32) (param $k i32) (param $v i32) (param $out i32) (param $seqQ i32)
    (param $kvLength i32) (param $kvCap i32) (param $headDim i32) (param $heads i32) (param $kvHeads i32)
    (param $scale f32) (param $causal i32) (param $queryOffset i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (local $bh i32) (local $group i32) (local $rowBytes i32) (local $pad i32) (local $qs i32) (local $acc i32)
    (local $scores i32) (local $kvBase i32) (local $i i32) (local $qRow i32) (local $visible i32) (local $c0 i32)
    (local $cn i32) (local $m f32) (local $mNew f32) (local $l f32) (local $alpha f32)
    (local.set $group (i32.div_u (local.get $heads) (local.get $kvHeads)))
    (local.set $rowBytes (i32.shl (local.get $headDim) (i32.const 2)))
    (local.set $pad (i32.and (i32.add (local.get $rowBytes) (i32.const 15)) (i32.const -16)))
    (local.set $qs (local.get $scratch))
    (local.set $acc (i32.add (local.get $scratch) (local.get $pad)))
    (local.set $scores (i32.add (local.get $acc) (local.get $pad)))
    (local.set $bh (local.get $begin))
    (block $bh_done
      (loop $bh_loop
        (br_if $bh_done (i32.ge_u (local.get $bh) (local.get $end)))
        ;; k/v head: batch b = bh / H, query head h = bh mod H, kv row block (b·KVH + h / group)·kvCapacity
        (local.set $kvBase (i32.mul
          (i32.mul
            (i32.add (i32.mul (i32.div_u (local.get $bh) (local.get $heads)) (local.get $kvHeads))
              (i32.div_u (i32.rem_u (local.get $bh) (local.get $heads)) (local.get $group)))
            (local.get $kvCap))
          (local.get $rowBytes)))
        (local.set $i (i32.const 0))
        (block $i_done
          (loop $i_loop
            (br_if $i_done (i32.ge_u (local.get $i) (local.get $seqQ)))
            (local.set $qRow (i32.mul (i32.add (i32.mul (local.get $bh) (local.get $seqQ)) (local.get $i)) (local.get $rowBytes)))
            (local.set $visible (local.get $kvLength))
            (if (local.get $causal)
              (then
                (local.set $visible (i32.add (i32.add (local.get $queryOffset) (local.get $i)) (i32.const 1)))
                (if (i32.lt_s (local.get $visible) (i32.const 0)) (then (local.set $visible (i32.const 0))))
                (if (i32.gt_s (local.get $visible) (local.get $kvLength)) (then (local.set $visible (local.get $kvLength))))))
            (call $scaleInto (i32.add (local.get $q) (local.get $qRow)) (local.get $qs) (local.get $headDim) (local.get $scale))
            (memory.fill (local.get $acc) (i32.const 0) (local.get $rowBytes))
            (local.set $m (f32.const -inf))
            (local.set $l (f32.const 0))
            (local.set $c0 (i32.const 0))
            (block $c_done
              (loop $c_loop
                (br_if $c_done (i32.ge_u (local.get $c0) (local.get $visible)))
                (local.set $cn (i32.sub (local.get $visible) (local.get $c0)))
                (if (i32.gt_u (local.get $cn) (i32.const 8192)) (then (local.set $cn (i32.const 8192))))
                (local.set $mNew (f32.max (local.get $m)
                  (call $scoreRows (local.get $qs) (i32.add (local.get $k) (i32.add (local.get $kvBase) (i32.mul (local.get $c0) (local.get $rowBytes))))
                    (local.get $cn) (local.get $headDim) (local.get $scores))))
                (if (f32.ne (local.get $mNew) (f32.const -inf))
                  (then
                    (if (local.get $c0)
                      (then
                        ;; a later chunk: rescale what the earlier ones summed to the new max
                        (local.set $alpha (f32x4.extract_lane 0 (call $exp (f32x4.splat (f32.sub (local.get $m) (local.get $mNew))))))
                        (local.set $l (f32.mul (local.get $l) (local.get $alpha)))
                        (call $scaleInto (local.get $acc) (local.get $acc) (local.get $headDim) (local.get $alpha))))
                    (local.set $m (local.get $mNew))
                    (local.set $l (f32.add (local.get $l)
                      (call $expShift (local.get $scores) (local.get $scores) (local.get $cn) (local.get $m))))
                    (call $accumulateRows (local.get $scores)
                      (i32.add (local.get $v) (i32.add (local.get $kvBase) (i32.mul (local.get $c0) (local.get $rowBytes))))
                      (local.get $cn) (local.get $headDim) (local.get $acc))))
                (local.set $c0 (i32.add (local.get $c0) (local.get $cn)))
                (br $c_loop)))
            (if (f32.eq (local.get $m) (f32.const -inf))
              (then (memory.fill (i32.add (local.get $out) (local.get $qRow)) (i32.const 0) (local.get $rowBytes)))
              (else (call $scaleInto (local.get $acc) (i32.add (local.get $out) (local.get $qRow)) (local.get $headDim)
                (f32.div (f32.const 1) (local.get $l)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $i_loop)))
        (local.set $bh (i32.add (local.get $bh) (i32.const 1)))
        (br $bh_loop))))
