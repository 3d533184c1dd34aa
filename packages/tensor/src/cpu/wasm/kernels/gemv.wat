;; A part of kernels.wat, the CPU backend's float32 module: gemv, the matrix-vector product a decode step is made of.
;; scripts/wat-source.mjs puts it in place of its `;; include kernels/gemv.wat` line; the rules every kernel
;; keeps are in kernels.wat's header.
  ;; ---------------------------------------------------------------------------------------------------------
  ;; gemv(x, w, y, n, k, scratch, begin, end) — outer index: rows of W
  ;;   y[j] = Σ_i x[i]·W[j, i], W [n, k] row-major (a PyTorch-layout weight), x [k], y [n].
  ;; A decode step streams weights that do not fit in the caches, so this kernel is a memory read: what counts is
  ;; how few instructions it spends per byte of W and how many independent reads the core keeps in flight.
  ;; - Rows front to back, each row one forward stream. Neighbouring rows side by side (four short streams
  ;;   4·k apart in the same pages, or rows j and j + 1 alternately) leave the hardware prefetcher behind
  ;;   (random 15M decode 113.7 → 272.9 tok/s when the four went).
  ;; - Eight rows at a time, j + e·part for e = 0..7 (part = an eighth of the range): eight long forward streams
  ;;   far apart, and each load of x serves all eight. One core reads memory faster the more such streams it
  ;;   has in flight (bench/gemv-roofline.bench.mjs times sums over 1, 2, 4 and 8 of them beside this kernel).
  ;; One accumulator of four lanes per row: eight independent sums, 8 + 1 vector registers, nothing spills.
  ;; DETERMINISM: a row's sum always has the same shape, in a group of eight or alone, whatever [begin, end) a
  ;; thread gets — one accumulator over i mod 4, 8 elements a step (i..i+3 added, then i+4..i+7), its lanes
  ;; combined (l0 + l2) + (l1 + l3) into y[j], then the k mod 8 tail added to y[j] one by one.
  ;; ---------------------------------------------------------------------------------------------------------

  ;; y[j] += Σ x[q]·row[q] for q in [from, k), one by one in order (the tail a step of 8 leaves)
  (func $addTail (param $x i32) (param $row i32) (param $y i32) (param $j i32) (param $from i32) (param $k i32)
    (local $t f32) (local $at i32)
    (local.set $at (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $t (f32.load (local.get $at)))
    (local.set $x (i32.add (local.get $x) (i32.shl (local.get $from) (i32.const 2))))
    (local.set $row (i32.add (local.get $row) (i32.shl (local.get $from) (i32.const 2))))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $from) (local.get $k)))
        (local.set $t (f32.add (local.get $t) (f32.mul (f32.load (local.get $x)) (f32.load (local.get $row)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $tail)))
    (f32.store (local.get $at) (local.get $t)))

  (func (export "gemv") (param $x i32) (param $w i32) (param $y i32) (param $n i32) (param $k i32)
    (param $scratch i32) (param $begin i32) (param $end i32)
    (local $j i32) (local $part i32) (local $rowBytes i32) (local $apart i32) (local $k8 i32) (local $e i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local $xp i32) (local $xEnd i32) (local $xv v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (if (i32.ge_u (local.get $begin) (local.get $end)) (then (return)))
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $k8 (i32.and (local.get $k) (i32.const -8)))
    (local.set $xEnd (i32.add (local.get $x) (i32.shl (local.get $k8) (i32.const 2))))
    (local.set $part (i32.shr_u (i32.sub (local.get $end) (local.get $begin)) (i32.const 3)))
    (local.set $apart (i32.mul (local.get $part) (local.get $rowBytes)))
    ;; the groups (j + e·part, e = 0..7) for j in [begin, begin + part); $r0 is row j's start
    (local.set $j (local.get $begin))
    (block $groups_done
      (loop $groups
        (br_if $groups_done (i32.ge_u (local.get $j) (i32.add (local.get $begin) (local.get $part))))
        (local.set $r0 (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $apart)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $apart)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $apart)))
        (local.set $r4 (i32.add (local.get $r3) (local.get $apart)))
        (local.set $r5 (i32.add (local.get $r4) (local.get $apart)))
        (local.set $r6 (i32.add (local.get $r5) (local.get $apart)))
        (local.set $r7 (i32.add (local.get $r6) (local.get $apart)))
        (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $a4 (v128.const i32x4 0 0 0 0)) (local.set $a5 (v128.const i32x4 0 0 0 0))
        (local.set $a6 (v128.const i32x4 0 0 0 0)) (local.set $a7 (v128.const i32x4 0 0 0 0))
        (local.set $xp (local.get $x))
        (block $steps_done
          (loop $steps
            (br_if $steps_done (i32.ge_u (local.get $xp) (local.get $xEnd)))
            (local.set $xv (v128.load offset=0 (local.get $xp)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r0)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r1)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r2)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r3)))))
            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r4)))))
            (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r5)))))
            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r6)))))
            (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $xv) (v128.load offset=0 (local.get $r7)))))
            (local.set $xv (v128.load offset=16 (local.get $xp)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r0)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r1)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r2)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r3)))))
            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r4)))))
            (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r5)))))
            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r6)))))
            (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $xv) (v128.load offset=16 (local.get $r7)))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 32))) (local.set $r1 (i32.add (local.get $r1) (i32.const 32)))
            (local.set $r2 (i32.add (local.get $r2) (i32.const 32))) (local.set $r3 (i32.add (local.get $r3) (i32.const 32)))
            (local.set $r4 (i32.add (local.get $r4) (i32.const 32))) (local.set $r5 (i32.add (local.get $r5) (i32.const 32)))
            (local.set $r6 (i32.add (local.get $r6) (i32.const 32))) (local.set $r7 (i32.add (local.get $r7) (i32.const 32)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (br $steps)))
        (local.set $a0 (f32x4.add (local.get $a0) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a0) (local.get $a0))))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))))
        (local.set $a1 (f32x4.add (local.get $a1) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a1) (local.get $a1))))
        (f32.store (i32.add (local.get $y) (i32.shl (i32.add (local.get $j) (local.get $part)) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32x4.extract_lane 1 (local.get $a1))))
        (local.set $a2 (f32x4.add (local.get $a2) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a2) (local.get $a2))))
        (f32.store (i32.add (local.get $y) (i32.shl (i32.add (local.get $j) (i32.mul (local.get $part) (i32.const 2))) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a2)) (f32x4.extract_lane 1 (local.get $a2))))
        (local.set $a3 (f32x4.add (local.get $a3) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a3) (local.get $a3))))
        (f32.store (i32.add (local.get $y) (i32.shl (i32.add (local.get $j) (i32.mul (local.get $part) (i32.const 3))) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a3)) (f32x4.extract_lane 1 (local.get $a3))))
        (local.set $a4 (f32x4.add (local.get $a4) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a4) (local.get $a4))))
        (f32.store (i32.add (local.get $y) (i32.shl (i32.add (local.get $j) (i32.mul (local.get $part) (i32.const 4))) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a4)) (f32x4.extract_lane 1 (local.get $a4))))
        (local.set $a5 (f32x4.add (local.get $a5) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a5) (local.get $a5))))
        (f32.store (i32.add (local.get $y) (i32.shl (i32.add (local.get $j) (i32.mul (local.get $part) (i32.const 5))) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a5)) (f32x4.extract_lane 1 (local.get $a5))))
        (local.set $a6 (f32x4.add (local.get $a6) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a6) (local.get $a6))))
        (f32.store (i32.add (local.get $y) (i32.shl (i32.add (local.get $j) (i32.mul (local.get $part) (i32.const 6))) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a6)) (f32x4.extract_lane 1 (local.get $a6))))
        (local.set $a7 (f32x4.add (local.get $a7) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a7) (local.get $a7))))
        (f32.store (i32.add (local.get $y) (i32.shl (i32.add (local.get $j) (i32.mul (local.get $part) (i32.const 7))) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a7)) (f32x4.extract_lane 1 (local.get $a7))))
        (if (i32.ne (local.get $k8) (local.get $k))
          (then
            (local.set $e (i32.const 0))
            (loop $tails
              (call $addTail (local.get $x)
                (i32.add (local.get $w) (i32.mul (i32.add (local.get $j) (i32.mul (local.get $e) (local.get $part))) (local.get $rowBytes)))
                (local.get $y) (i32.add (local.get $j) (i32.mul (local.get $e) (local.get $part))) (local.get $k8) (local.get $k))
              (local.set $e (i32.add (local.get $e) (i32.const 1)))
              (br_if $tails (i32.lt_u (local.get $e) (i32.const 8))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $groups)))
    ;; the rows a count not divisible by eight leaves (at most seven): alone, the same steps
    (local.set $j (i32.add (local.get $begin) (i32.shl (local.get $part) (i32.const 3))))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $r0 (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $xp (local.get $x))
        (block $one_done
          (loop $one
            (br_if $one_done (i32.ge_u (local.get $xp) (local.get $xEnd)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $xp)) (v128.load offset=0 (local.get $r0)))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=16 (local.get $xp)) (v128.load offset=16 (local.get $r0)))))
            (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
            (local.set $xp (i32.add (local.get $xp) (i32.const 32)))
            (br $one)))
        (local.set $a0 (f32x4.add (local.get $a0) (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $a0) (local.get $a0))))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $j) (i32.const 2))) (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))))
        (if (i32.ne (local.get $k8) (local.get $k))
          (then
            (call $addTail (local.get $x) (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rowBytes)))
              (local.get $y) (local.get $j) (local.get $k8) (local.get $k))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))
