;; A part of kernels.wat, the CPU backend's float32 module: gemv, the matrix-vector product a decode step is made of.
;; scripts/wat-source.mjs puts it in place of its `;; include kernels/gemv.wat` line; the rules every kernel
;; keeps are in kernels.wat's header.
  ;; ---------------------------------------------------------------------------------------------------------
  ;; gemv(x, w, y, n, k, scratch, begin, end) — outer index: rows of W
  ;;   y[j] = Σ_i x[i]·W[j, i], W [n, k] row-major (a PyTorch-layout weight), x [k], y [n].
  ;; A decode step streams weights that do not fit in the caches, so this kernel is a memory read: what counts is
  ;; how few instructions it spends per byte of W and how well the hardware prefetcher follows it.
  ;; - Rows front to back, each row one forward stream: four rows side by side (four short streams 4·k apart
  ;;   in the same pages) left the prefetcher behind (random 15M decode 113.7 → 272.9 tok/s when it went).
  ;; - Two rows at a time, j and j + h (h = half the range): two long forward streams far apart, which the
  ;;   prefetcher follows as it follows one, and each load of x serves both rows. Against one row at a time, on
  ;;   67 MB of W with k = 288 (bench/gemv-roofline.bench.mjs's rows, 60 interleaved rounds): 25-26 against
  ;;   22-24 GB/s at the 10th percentile, where a plain sum of the same bytes reads 31. Rows j and j + 1 side by
  ;;   side instead (the same pages, alternately) read 9 GB/s: the prefetcher gives up on them.
  ;; Four accumulators of four lanes per row take 16 products a step, so the adds' latency is not the limit.
  ;; DETERMINISM: a row's sum always has the same shape, alone or in a pair, whatever [begin, end) a thread
  ;; gets — accumulators a0..a3 over i mod 16 (16 elements a step, then one step of 8 into a0, a1), combined
  ;; (a0 + a1) + (a2 + a3), then lanes (l0 + l2) + (l1 + l3), then the k mod 8 tail one by one.
  ;; ---------------------------------------------------------------------------------------------------------
  (func (export "gemv") (param $x i32) (param $w i32) (param $y i32) (param $n i32) (param $k i32)
    (param $scratch i32) (param $begin i32) (param $end i32)
    (local $j i32) (local $h i32) (local $rowBytes i32) (local $apart i32) (local $r i32) (local $r1 i32)
    (local $xp i32) (local $p i32) (local $xq i32) (local $q i32) (local $xv v128) (local $t f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (if (i32.ge_u (local.get $begin) (local.get $end)) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $h (i32.shr_u (i32.sub (local.get $end) (local.get $begin)) (i32.const 1)))
    (local.set $apart (i32.mul (local.get $h) (local.get $rowBytes)))
    (local.set $j (local.get $begin))
    (local.set $r (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes))))
    ;; the pairs (j, j + h) for j in [begin, begin + h); $r walks row j, $r1 row j + h
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.ge_u (local.get $j) (i32.add (local.get $begin) (local.get $h))))
        (local.set $r1 (i32.add (local.get $r) (local.get $apart)))
        (local.set $xp (local.get $x))
        (local.set $p (i32.const 0))
        (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0)) (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $b0 (v128.const i32x4 0 0 0 0)) (local.set $b1 (v128.const i32x4 0 0 0 0)) (local.set $b2 (v128.const i32x4 0 0 0 0)) (local.set $b3 (v128.const i32x4 0 0 0 0))
        (block $v16_done
          (loop $v16
            (br_if $v16_done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $k)))
            (local.set $xv (v128.load offset=0 (local.get $xp)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r)))))
            (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r1)))))
            (local.set $xv (v128.load offset=16 (local.get $xp)))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r)))))
            (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r1)))))
            (local.set $xv (v128.load offset=32 (local.get $xp)))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $r)))))
            (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $xv) (v128.load offset=32 (local.get $r1)))))
            (local.set $xv (v128.load offset=48 (local.get $xp)))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $r)))))
            (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $xv) (v128.load offset=48 (local.get $r1)))))
            (local.set $r (i32.add (local.get $r) (i32.const 64)))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 64)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 64)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $v16)))
        ;; each row's rest, as a row alone finishes it (below); $r ends at row j + 1
        (local.set $xq (local.get $xp))
        (local.set $q (local.get $p))
        (if (i32.le_u (i32.add (local.get $q) (i32.const 8)) (local.get $k))
          (then
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $xq)) (v128.load offset=0 (local.get $r)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $xq)) (v128.load offset=16 (local.get $r)))))
            (local.set $r (i32.add (local.get $r) (i32.const 32)))
            (local.set $xq (i32.add (local.get $xq) (i32.const 32)))
            (local.set $q (i32.add (local.get $q) (i32.const 8)))))
        (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
        (local.set $a0 (f32x4.add (local.get $a0)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a0) (local.get $a0))))
        (local.set $t (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))))
        (block $taila_done
          (loop $taila
            (br_if $taila_done (i32.ge_u (local.get $q) (local.get $k)))
            (local.set $t (f32.add (local.get $t) (f32.mul (f32.load (local.get $xq)) (f32.load (local.get $r)))))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (local.set $xq (i32.add (local.get $xq) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $taila)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
        (local.set $xq (local.get $xp))
        (local.set $q (local.get $p))
        (if (i32.le_u (i32.add (local.get $q) (i32.const 8)) (local.get $k))
          (then
            (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load offset=0 (local.get $xq)) (v128.load offset=0 (local.get $r1)))))
            (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (v128.load offset=16 (local.get $xq)) (v128.load offset=16 (local.get $r1)))))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 32)))
            (local.set $xq (i32.add (local.get $xq) (i32.const 32)))
            (local.set $q (i32.add (local.get $q) (i32.const 8)))))
        (local.set $b0 (f32x4.add (f32x4.add (local.get $b0) (local.get $b1)) (f32x4.add (local.get $b2) (local.get $b3))))
        (local.set $b0 (f32x4.add (local.get $b0)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $b0) (local.get $b0))))
        (local.set $t (f32.add (f32x4.extract_lane 0 (local.get $b0)) (f32x4.extract_lane 1 (local.get $b0))))
        (block $tailb_done
          (loop $tailb
            (br_if $tailb_done (i32.ge_u (local.get $q) (local.get $k)))
            (local.set $t (f32.add (local.get $t) (f32.mul (f32.load (local.get $xq)) (f32.load (local.get $r1)))))
            (local.set $r1 (i32.add (local.get $r1) (i32.const 4)))
            (local.set $xq (i32.add (local.get $xq) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $tailb)))
        (f32.store (i32.add (local.get $y) (i32.shl (i32.add (local.get $j) (local.get $h)) (i32.const 2))) (local.get $t))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pairs)))
    ;; an odd count leaves the last row: alone, the same steps
    (local.set $j (i32.add (local.get $begin) (i32.shl (local.get $h) (i32.const 1))))
    (local.set $r (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes))))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $xp (local.get $x))
        (local.set $p (i32.const 0))
        (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0)) (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
        (block $v16s_done
          (loop $v16s
            (br_if $v16s_done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $k)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $xp)) (v128.load offset=0 (local.get $r)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $xp)) (v128.load offset=16 (local.get $r)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $xp)) (v128.load offset=32 (local.get $r)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $xp)) (v128.load offset=48 (local.get $r)))))
            (local.set $r (i32.add (local.get $r) (i32.const 64)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 64)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $v16s)))
        (local.set $xq (local.get $xp))
        (local.set $q (local.get $p))
        (if (i32.le_u (i32.add (local.get $q) (i32.const 8)) (local.get $k))
          (then
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $xq)) (v128.load offset=0 (local.get $r)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $xq)) (v128.load offset=16 (local.get $r)))))
            (local.set $r (i32.add (local.get $r) (i32.const 32)))
            (local.set $xq (i32.add (local.get $xq) (i32.const 32)))
            (local.set $q (i32.add (local.get $q) (i32.const 8)))))
        (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
        (local.set $a0 (f32x4.add (local.get $a0)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a0) (local.get $a0))))
        (local.set $t (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))))
        (block $tailone_done
          (loop $tailone
            (br_if $tailone_done (i32.ge_u (local.get $q) (local.get $k)))
            (local.set $t (f32.add (local.get $t) (f32.mul (f32.load (local.get $xq)) (f32.load (local.get $r)))))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (local.set $xq (i32.add (local.get $xq) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $tailone)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))
