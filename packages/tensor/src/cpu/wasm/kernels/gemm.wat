;; A part of kernels.wat, the CPU backend's float32 module: gemm, the blocked and packed matrix product of prompts.
;; scripts/wat-source.mjs puts it in place of its `;; include kernels/gemm.wat` line; the rules every kernel
;; keeps are in kernels.wat's header.
  ;; ---------------------------------------------------------------------------------------------------------
  ;; gemm(a, b, c, m, n, k, transB, scratch, begin, end) — outer index: rows of C
  ;;   C[m, n] = A[m, k] · (transB ? B[n, k]ᵀ : B[k, n]), all row-major.
  ;; Blocked like BLIS: B is packed, kc × nc at a time, into scratch as panels of 8 columns ([kc, 8] each, the
  ;; last one zero-padded); A, mc rows × kc at a time, as micro-panels of 4 rows ([kc, 4] each); a 4×8 register
  ;; tile (8 accumulators) walks each B panel (in L1) for every micro-panel of the block.
  ;; DETERMINISM: every C[i, j] is Σ_p A[i, p]·B[p, j] summed one p at a time from p = 0 (a block after the
  ;; first starts from the value stored in C), with one multiply and one add per step, whether its tile is
  ;; whole, a leftover row ($tile1x8), two or three leftover rows (a zero-padded tile), a column tail (through
  ;; a tile in scratch) or a few-rows product that reads B in place ($rowsDirect): the bits depend on k alone,
  ;; never on the range or the path.
  ;; Scratch: [0, 128) the column-tail tile (4 rows × 8 floats), [128, 32896) packed A, [32896, 256 KiB) packed B.
  ;; ---------------------------------------------------------------------------------------------------------

  ;; Packs B[pc:pc+kc, jc:jc+nc] (in the op(B) = [k, n] sense) into dst as panels of 8 columns:
  ;; panel q at dst + q·kc·32, element (p, jj) at + p·32 + jj·4; columns at or past n are zeros.
  (func $packB (param $b i32) (param $transB i32) (param $n i32) (param $k i32) (param $jc i32) (param $nc i32)
    (param $pc i32) (param $kc i32) (param $dst i32)
    (local $q i32) (local $j0 i32) (local $w i32) (local $p i32) (local $jj i32) (local $src i32) (local $out i32)
    (local $stride i32) (local $st2 i32) (local $st3 i32) (local $src4 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $q (i32.const 0))
    (block $done
      (loop $panels
        (local.set $j0 (i32.add (local.get $jc) (i32.shl (local.get $q) (i32.const 3))))
        (br_if $done (i32.ge_u (local.get $j0) (i32.add (local.get $jc) (local.get $nc))))
        (local.set $w (i32.sub (local.get $n) (local.get $j0)))
        (if (i32.gt_u (local.get $w) (i32.const 8)) (then (local.set $w (i32.const 8))))
        (local.set $out (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 5))))
        (if (i32.eqz (local.get $transB))
          (then
            ;; B[p, j0 + jj] at b + (p·n + j0 + jj)·4: rows of the panel are contiguous in B
            (local.set $src (i32.add (local.get $b)
              (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $n)) (local.get $j0)) (i32.const 2))))
            (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
            (if (i32.eq (local.get $w) (i32.const 8))
              (then
                (local.set $p (i32.const 0))
                (block $rows_done
                  (loop $rows
                    (br_if $rows_done (i32.ge_u (local.get $p) (local.get $kc)))
                    (v128.store (local.get $out) (v128.load (local.get $src)))
                    (v128.store offset=16 (local.get $out) (v128.load offset=16 (local.get $src)))
                    (local.set $src (i32.add (local.get $src) (local.get $stride)))
                    (local.set $out (i32.add (local.get $out) (i32.const 32)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $rows))))
              (else
                (local.set $p (i32.const 0))
                (block $rows_done
                  (loop $rows
                    (br_if $rows_done (i32.ge_u (local.get $p) (local.get $kc)))
                    (v128.store (local.get $out) (v128.const i32x4 0 0 0 0))
                    (v128.store offset=16 (local.get $out) (v128.const i32x4 0 0 0 0))
                    (local.set $jj (i32.const 0))
                    (block $cols_done
                      (loop $cols
                        (br_if $cols_done (i32.ge_u (local.get $jj) (local.get $w)))
                        (f32.store (i32.add (local.get $out) (i32.shl (local.get $jj) (i32.const 2)))
                          (f32.load (i32.add (local.get $src) (i32.shl (local.get $jj) (i32.const 2)))))
                        (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
                        (br $cols)))
                    (local.set $src (i32.add (local.get $src) (local.get $stride)))
                    (local.set $out (i32.add (local.get $out) (i32.const 32)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $rows))))))
          (else
            (if (i32.eq (local.get $w) (i32.const 8))
              (then
                ;; a whole panel: 4 columns × 4 p at a time, transposed in registers (rows j0.. of B at column pc)
                (local.set $src (i32.add (local.get $b) (i32.shl
                  (i32.add (i32.mul (local.get $j0) (local.get $k)) (local.get $pc)) (i32.const 2))))
                (local.set $stride (i32.shl (local.get $k) (i32.const 2)))
                (local.set $st2 (i32.shl (local.get $stride) (i32.const 1)))
                (local.set $st3 (i32.add (local.get $st2) (local.get $stride)))
                (local.set $p (i32.const 0))
                (block $quad_done
                  (loop $quad
                    (br_if $quad_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                    (local.set $v0 (v128.load (local.get $src)))
                    (local.set $v1 (v128.load (i32.add (local.get $src) (local.get $stride))))
                    (local.set $v2 (v128.load (i32.add (local.get $src) (local.get $st2))))
                    (local.set $v3 (v128.load (i32.add (local.get $src) (local.get $st3))))
                    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
                    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
                    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
                    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
                    (v128.store offset=0 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                    (v128.store offset=32 (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                    (v128.store offset=64 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                    (v128.store offset=96 (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                    (local.set $src4 (i32.add (local.get $src) (i32.shl (local.get $st2) (i32.const 1))))
                    (local.set $v0 (v128.load (local.get $src4)))
                    (local.set $v1 (v128.load (i32.add (local.get $src4) (local.get $stride))))
                    (local.set $v2 (v128.load (i32.add (local.get $src4) (local.get $st2))))
                    (local.set $v3 (v128.load (i32.add (local.get $src4) (local.get $st3))))
                    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
                    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
                    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
                    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
                    (v128.store offset=16 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                    (v128.store offset=48 (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                    (v128.store offset=80 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                    (v128.store offset=112 (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                    (local.set $src (i32.add (local.get $src) (i32.const 16)))
                    (local.set $out (i32.add (local.get $out) (i32.const 128)))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))
                    (br $quad)))
                (block $one_done
                  (loop $one
                    (br_if $one_done (i32.ge_u (local.get $p) (local.get $kc)))
                    (f32.store offset=0 (local.get $out) (f32.load (local.get $src)))
                    (f32.store offset=4 (local.get $out) (f32.load (i32.add (local.get $src) (local.get $stride))))
                    (f32.store offset=8 (local.get $out) (f32.load (i32.add (local.get $src) (local.get $st2))))
                    (f32.store offset=12 (local.get $out) (f32.load (i32.add (local.get $src) (local.get $st3))))
                    (f32.store offset=16 (local.get $out) (f32.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 4)))))
                    (f32.store offset=20 (local.get $out) (f32.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 5)))))
                    (f32.store offset=24 (local.get $out) (f32.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 6)))))
                    (f32.store offset=28 (local.get $out) (f32.load (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const 7)))))
                    (local.set $src (i32.add (local.get $src) (i32.const 4)))
                    (local.set $out (i32.add (local.get $out) (i32.const 32)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $one))))
              (else
                ;; a partial panel (the last columns of B): one column at a time, zeros past n
                ;; B[j0 + jj, p] at b + ((j0 + jj)·k + p)·4: each column of the panel is a contiguous row of B
                (local.set $jj (i32.const 0))
                (block $cols_done
                  (loop $cols
                    (br_if $cols_done (i32.ge_u (local.get $jj) (i32.const 8)))
                    (local.set $out (i32.add
                      (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 5)))
                      (i32.shl (local.get $jj) (i32.const 2))))
                    (local.set $p (i32.const 0))
                    (if (i32.lt_u (local.get $jj) (local.get $w))
                      (then
                        (local.set $src (i32.add (local.get $b) (i32.shl
                          (i32.add (i32.mul (i32.add (local.get $j0) (local.get $jj)) (local.get $k)) (local.get $pc))
                          (i32.const 2))))
                        ;; four p at a time (four loads, four stores 32 bytes apart)
                        (block $quad_done
                          (loop $quad
                            (br_if $quad_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
                            (f32.store (local.get $out) (f32.load (local.get $src)))
                            (f32.store offset=32 (local.get $out) (f32.load offset=4 (local.get $src)))
                            (f32.store offset=64 (local.get $out) (f32.load offset=8 (local.get $src)))
                            (f32.store offset=96 (local.get $out) (f32.load offset=12 (local.get $src)))
                            (local.set $src (i32.add (local.get $src) (i32.const 16)))
                            (local.set $out (i32.add (local.get $out) (i32.const 128)))
                            (local.set $p (i32.add (local.get $p) (i32.const 4)))
                            (br $quad)))
                        (block $one_done
                          (loop $one
                            (br_if $one_done (i32.ge_u (local.get $p) (local.get $kc)))
                            (f32.store (local.get $out) (f32.load (local.get $src)))
                            (local.set $src (i32.add (local.get $src) (i32.const 4)))
                            (local.set $out (i32.add (local.get $out) (i32.const 32)))
                            (local.set $p (i32.add (local.get $p) (i32.const 1)))
                            (br $one))))
                      (else
                        (block $zero_done
                          (loop $zero
                            (br_if $zero_done (i32.ge_u (local.get $p) (local.get $kc)))
                            (f32.store (local.get $out) (f32.const 0))
                            (local.set $out (i32.add (local.get $out) (i32.const 32)))
                            (local.set $p (i32.add (local.get $p) (i32.const 1)))
                            (br $zero)))))
                    (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
                    (br $cols)))))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $panels))))

  ;; Packs rows [0, 4·panels) of A (row stride lda bytes, from a = &A[i0, pc]) for kc columns into dst as
  ;; micro-panels of 4 rows: panel r at dst + r·kc·16, element (p, rr) at + p·16 + rr·4 — so the tile reads its
  ;; four A values of a step from one pointer at constant offsets (four row pointers cost V8 an add and a
  ;; zero-extension each per step, and the tile's loop is bound by instruction count, not by the FP units).
  (func $packA (param $a i32) (param $lda i32) (param $panels i32) (param $kc i32) (param $dst i32)
    (local $r i32) (local $p i32) (local $src i32) (local $out i32) (local $l2 i32) (local $l3 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $l2 (i32.shl (local.get $lda) (i32.const 1)))
    (local.set $l3 (i32.add (local.get $l2) (local.get $lda)))
    (local.set $out (local.get $dst))
    (block $done
      (loop $panel
        (br_if $done (i32.ge_u (local.get $r) (local.get $panels)))
        (local.set $src (local.get $a))
        (local.set $p (i32.const 0))
        ;; four p at a time: four rows' 4-float runs, transposed in registers
        (block $quad_done
          (loop $quad
            (br_if $quad_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
            (local.set $v0 (v128.load (local.get $src)))
            (local.set $v1 (v128.load (i32.add (local.get $src) (local.get $lda))))
            (local.set $v2 (v128.load (i32.add (local.get $src) (local.get $l2))))
            (local.set $v3 (v128.load (i32.add (local.get $src) (local.get $l3))))
            (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
            (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
            (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
            (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
            (v128.store offset=0 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store offset=16 (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store offset=32 (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store offset=48 (local.get $out) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.const 64)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $quad)))
        (block $one_done
          (loop $one
            (br_if $one_done (i32.ge_u (local.get $p) (local.get $kc)))
            (f32.store offset=0 (local.get $out) (f32.load (local.get $src)))
            (f32.store offset=4 (local.get $out) (f32.load (i32.add (local.get $src) (local.get $lda))))
            (f32.store offset=8 (local.get $out) (f32.load (i32.add (local.get $src) (local.get $l2))))
            (f32.store offset=12 (local.get $out) (f32.load (i32.add (local.get $src) (local.get $l3))))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $one)))
        (local.set $a (i32.add (local.get $a) (i32.shl (local.get $lda) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $panel))))

  ;; The last `rows` (2 or 3) rows of a block as one more micro-panel, zero-padded to 4 rows (see $packA); it
  ;; fits: a block with rows left over is its range's last, shorter than mc (a multiple of 4).
  (func $packRows (param $a i32) (param $lda i32) (param $rows i32) (param $kc i32) (param $dst i32)
    (local $p i32) (local $r i32)
    (memory.fill (local.get $dst) (i32.const 0) (i32.shl (local.get $kc) (i32.const 4)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $p (i32.const 0))
        (block $row_done
          (loop $each
            (br_if $row_done (i32.ge_u (local.get $p) (local.get $kc)))
            (f32.store (i32.add (local.get $dst) (i32.add (i32.shl (local.get $p) (i32.const 4)) (i32.shl (local.get $r) (i32.const 2))))
              (f32.load (i32.add (local.get $a) (i32.shl (local.get $p) (i32.const 2)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $each)))
        (local.set $a (i32.add (local.get $a) (local.get $lda)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; The 4×8 register tile, for `count` (≥ 1) consecutive packed micro-panels from ap (4 rows, kc steps each)
  ;; times one packed panel bp0 of B (kc × 8): micro-panel r into the C rows c0 + (4r .. 4r + 3)·ldc (8 floats
  ;; each), starting from zero or (accumulate ≠ 0) from the values there. (One call per B panel and block of A:
  ;; a call per micro-panel cost about 3%.) NOTE: one step per iteration, not unrolled: V8's TurboFan hoists
  ;; every load of an unrolled body to its top, which needs more than the 15 xmm registers it allocates and
  ;; spills accumulators to the stack (the 4-step unroll ran about 30% slower than this loop).
  (func $tile4x8 (param $ap i32) (param $bp0 i32) (param $kc i32) (param $c0 i32) (param $ldc i32) (param $accumulate i32)
    (param $count i32)
    (local $c0l v128) (local $c0h v128) (local $c1l v128) (local $c1h v128)
    (local $c2l v128) (local $c2h v128) (local $c3l v128) (local $c3h v128)
    (local $bl v128) (local $bh v128) (local $x v128) (local $bp i32) (local $end i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local.set $end (i32.add (local.get $bp0) (i32.shl (local.get $kc) (i32.const 5))))
    (loop $panel
      (local.set $c1 (i32.add (local.get $c0) (local.get $ldc)))
      (local.set $c2 (i32.add (local.get $c1) (local.get $ldc)))
      (local.set $c3 (i32.add (local.get $c2) (local.get $ldc)))
      (if (local.get $accumulate)
        (then
          (local.set $c0l (v128.load (local.get $c0))) (local.set $c0h (v128.load offset=16 (local.get $c0)))
          (local.set $c1l (v128.load (local.get $c1))) (local.set $c1h (v128.load offset=16 (local.get $c1)))
          (local.set $c2l (v128.load (local.get $c2))) (local.set $c2h (v128.load offset=16 (local.get $c2)))
          (local.set $c3l (v128.load (local.get $c3))) (local.set $c3h (v128.load offset=16 (local.get $c3))))
        (else
          (local.set $c0l (v128.const i32x4 0 0 0 0)) (local.set $c0h (v128.const i32x4 0 0 0 0))
          (local.set $c1l (v128.const i32x4 0 0 0 0)) (local.set $c1h (v128.const i32x4 0 0 0 0))
          (local.set $c2l (v128.const i32x4 0 0 0 0)) (local.set $c2h (v128.const i32x4 0 0 0 0))
          (local.set $c3l (v128.const i32x4 0 0 0 0)) (local.set $c3h (v128.const i32x4 0 0 0 0))))
      (local.set $bp (local.get $bp0))
      (loop $step
        (local.set $bl (v128.load offset=0 (local.get $bp)))
        (local.set $bh (v128.load offset=16 (local.get $bp)))
        (local.set $x (v128.load32_splat offset=0 (local.get $ap)))
        (local.set $c0l (f32x4.add (local.get $c0l) (f32x4.mul (local.get $x) (local.get $bl))))
        (local.set $c0h (f32x4.add (local.get $c0h) (f32x4.mul (local.get $x) (local.get $bh))))
        (local.set $x (v128.load32_splat offset=4 (local.get $ap)))
        (local.set $c1l (f32x4.add (local.get $c1l) (f32x4.mul (local.get $x) (local.get $bl))))
        (local.set $c1h (f32x4.add (local.get $c1h) (f32x4.mul (local.get $x) (local.get $bh))))
        (local.set $x (v128.load32_splat offset=8 (local.get $ap)))
        (local.set $c2l (f32x4.add (local.get $c2l) (f32x4.mul (local.get $x) (local.get $bl))))
        (local.set $c2h (f32x4.add (local.get $c2h) (f32x4.mul (local.get $x) (local.get $bh))))
        (local.set $x (v128.load32_splat offset=12 (local.get $ap)))
        (local.set $c3l (f32x4.add (local.get $c3l) (f32x4.mul (local.get $x) (local.get $bl))))
        (local.set $c3h (f32x4.add (local.get $c3h) (f32x4.mul (local.get $x) (local.get $bh))))
        (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
        (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
        (br_if $step (i32.lt_u (local.get $bp) (local.get $end))))
      (v128.store (local.get $c0) (local.get $c0l)) (v128.store offset=16 (local.get $c0) (local.get $c0h))
      (v128.store (local.get $c1) (local.get $c1l)) (v128.store offset=16 (local.get $c1) (local.get $c1h))
      (v128.store (local.get $c2) (local.get $c2l)) (v128.store offset=16 (local.get $c2) (local.get $c2h))
      (v128.store (local.get $c3) (local.get $c3l)) (v128.store offset=16 (local.get $c3) (local.get $c3h))
      (local.set $c0 (i32.add (local.get $c3) (local.get $ldc)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br_if $panel (local.get $count))))

  ;; One row of the 4×8 tile (the rows a range leaves over): the same arithmetic per element as $tile4x8.
  (func $tile1x8 (param $a0 i32) (param $bp i32) (param $kc i32) (param $c0 i32) (param $accumulate i32)
    (local $c0l v128) (local $c0h v128) (local $x v128) (local $p i32) (local $k4 i32)
    (if (local.get $accumulate)
      (then (local.set $c0l (v128.load (local.get $c0))) (local.set $c0h (v128.load offset=16 (local.get $c0)))))
    (local.set $k4 (i32.and (local.get $kc) (i32.const -4)))
    (block $quad_done
      (loop $quad
        (br_if $quad_done (i32.ge_u (local.get $p) (local.get $k4)))
        (local.set $x (v128.load32_splat offset=0 (local.get $a0)))
        (local.set $c0l (f32x4.add (local.get $c0l) (f32x4.mul (local.get $x) (v128.load offset=0 (local.get $bp)))))
        (local.set $c0h (f32x4.add (local.get $c0h) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
        (local.set $x (v128.load32_splat offset=4 (local.get $a0)))
        (local.set $c0l (f32x4.add (local.get $c0l) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $bp)))))
        (local.set $c0h (f32x4.add (local.get $c0h) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $bp)))))
        (local.set $x (v128.load32_splat offset=8 (local.get $a0)))
        (local.set $c0l (f32x4.add (local.get $c0l) (f32x4.mul (local.get $x) (v128.load offset=64 (local.get $bp)))))
        (local.set $c0h (f32x4.add (local.get $c0h) (f32x4.mul (local.get $x) (v128.load offset=80 (local.get $bp)))))
        (local.set $x (v128.load32_splat offset=12 (local.get $a0)))
        (local.set $c0l (f32x4.add (local.get $c0l) (f32x4.mul (local.get $x) (v128.load offset=96 (local.get $bp)))))
        (local.set $c0h (f32x4.add (local.get $c0h) (f32x4.mul (local.get $x) (v128.load offset=112 (local.get $bp)))))
        (local.set $a0 (i32.add (local.get $a0) (i32.const 16)))
        (local.set $bp (i32.add (local.get $bp) (i32.const 128)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $quad)))
    (block $one_done
      (loop $one
        (br_if $one_done (i32.ge_u (local.get $p) (local.get $kc)))
        (local.set $x (v128.load32_splat (local.get $a0)))
        (local.set $c0l (f32x4.add (local.get $c0l) (f32x4.mul (local.get $x) (v128.load (local.get $bp)))))
        (local.set $c0h (f32x4.add (local.get $c0h) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $bp)))))
        (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
        (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $one)))
    (v128.store (local.get $c0) (local.get $c0l)) (v128.store offset=16 (local.get $c0) (local.get $c0h)))

  ;; Rows [i0, i1) of C = A · B with B [k, n] read in place (no packing: the few-rows case). Each row of C is
  ;; swept once per four rows of B (four streams of B, the row of C in L1), adding one p at a time: every C[i, j]
  ;; is summed over p = 0, 1, … from 0 with one multiply and one add per step — the tiles' arithmetic, so the
  ;; bits do not depend on which path computed an element.
  (func $rowsDirect (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $k i32) (param $i0 i32) (param $i1 i32)
    (local $i i32) (local $j i32) (local $p i32) (local $arow i32) (local $crow i32) (local $ldb i32) (local $n4 i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $off i32) (local $acc v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $xs f32) (local $t f32)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $i (local.get $i0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $crow (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldb))))
        (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (i32.shl (local.get $k) (i32.const 2)))))
        (memory.fill (local.get $crow) (i32.const 0) (local.get $ldb))
        (local.set $p (i32.const 0))
        ;; four rows of B per sweep
        (block $quad_done
          (loop $quad
            (br_if $quad_done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $k)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $ldb))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $ldb)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $ldb)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $ldb)))
            (local.set $x0 (v128.load32_splat (local.get $arow)))
            (local.set $x1 (v128.load32_splat offset=4 (local.get $arow)))
            (local.set $x2 (v128.load32_splat offset=8 (local.get $arow)))
            (local.set $x3 (v128.load32_splat offset=12 (local.get $arow)))
            (local.set $off (i32.const 0))
            (block $vec_done
              (loop $vec
                (br_if $vec_done (i32.ge_u (local.get $off) (i32.shl (local.get $n4) (i32.const 2))))
                (local.set $acc (v128.load (i32.add (local.get $crow) (local.get $off))))
                (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $b0) (local.get $off))))))
                (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $x1) (v128.load (i32.add (local.get $b1) (local.get $off))))))
                (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $x2) (v128.load (i32.add (local.get $b2) (local.get $off))))))
                (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $x3) (v128.load (i32.add (local.get $b3) (local.get $off))))))
                (v128.store (i32.add (local.get $crow) (local.get $off)) (local.get $acc))
                (local.set $off (i32.add (local.get $off) (i32.const 16)))
                (br $vec)))
            (block $tail_done
              (loop $tail
                (br_if $tail_done (i32.ge_u (local.get $off) (local.get $ldb)))
                (local.set $t (f32.load (i32.add (local.get $crow) (local.get $off))))
                (local.set $t (f32.add (local.get $t) (f32.mul (f32x4.extract_lane 0 (local.get $x0)) (f32.load (i32.add (local.get $b0) (local.get $off))))))
                (local.set $t (f32.add (local.get $t) (f32.mul (f32x4.extract_lane 0 (local.get $x1)) (f32.load (i32.add (local.get $b1) (local.get $off))))))
                (local.set $t (f32.add (local.get $t) (f32.mul (f32x4.extract_lane 0 (local.get $x2)) (f32.load (i32.add (local.get $b2) (local.get $off))))))
                (local.set $t (f32.add (local.get $t) (f32.mul (f32x4.extract_lane 0 (local.get $x3)) (f32.load (i32.add (local.get $b3) (local.get $off))))))
                (f32.store (i32.add (local.get $crow) (local.get $off)) (local.get $t))
                (local.set $off (i32.add (local.get $off) (i32.const 4)))
                (br $tail)))
            (local.set $arow (i32.add (local.get $arow) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $quad)))
        ;; the last rows of B one at a time
        (block $one_done
          (loop $one
            (br_if $one_done (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $p) (local.get $ldb))))
            (local.set $x0 (v128.load32_splat (local.get $arow)))
            (local.set $xs (f32.load (local.get $arow)))
            (local.set $off (i32.const 0))
            (block $vec_done
              (loop $vec
                (br_if $vec_done (i32.ge_u (local.get $off) (i32.shl (local.get $n4) (i32.const 2))))
                (v128.store (i32.add (local.get $crow) (local.get $off)) (f32x4.add (v128.load (i32.add (local.get $crow) (local.get $off)))
                  (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $b0) (local.get $off))))))
                (local.set $off (i32.add (local.get $off) (i32.const 16)))
                (br $vec)))
            (block $tail_done
              (loop $tail
                (br_if $tail_done (i32.ge_u (local.get $off) (local.get $ldb)))
                (f32.store (i32.add (local.get $crow) (local.get $off)) (f32.add (f32.load (i32.add (local.get $crow) (local.get $off)))
                  (f32.mul (local.get $xs) (f32.load (i32.add (local.get $b0) (local.get $off))))))
                (local.set $off (i32.add (local.get $off) (i32.const 4)))
                (br $tail)))
            (local.set $arow (i32.add (local.get $arow) (i32.const 4)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $one)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Copies a rows × w block of floats between a matrix (row stride ld bytes) and a tile (row stride 32 bytes).
  (func $copyTile (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32) (param $rows i32) (param $w i32)
    (local $r i32) (local $jj i32)
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $jj (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $jj) (local.get $w)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $jj) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (local.get $jj) (i32.const 2)))))
            (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
            (br $cols)))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsLoop))))


  ;; `rows` (< 4) rows of C from A rows a0, a0 + lda, … with $tile1x8; a column tail (w < 8) goes through the tile.
  (func $leftoverRows (param $a0 i32) (param $lda i32) (param $bp i32) (param $kc i32) (param $c0 i32) (param $ldc i32)
    (param $rows i32) (param $w i32) (param $tile i32) (param $acc i32)
    (local $r i32)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (if (i32.eq (local.get $w) (i32.const 8))
          (then (call $tile1x8 (local.get $a0) (local.get $bp) (local.get $kc) (local.get $c0) (local.get $acc)))
          (else
            (if (local.get $acc) (then (call $copyTile (local.get $c0) (i32.const 0) (local.get $tile) (i32.const 0) (i32.const 1) (local.get $w))))
            (call $tile1x8 (local.get $a0) (local.get $bp) (local.get $kc) (local.get $tile) (local.get $acc))
            (call $copyTile (local.get $tile) (i32.const 0) (local.get $c0) (i32.const 0) (i32.const 1) (local.get $w))))
        (local.set $a0 (i32.add (local.get $a0) (local.get $lda)))
        (local.set $c0 (i32.add (local.get $c0) (local.get $ldc)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each))))

  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
    (param $transB i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (local $tile i32) (local $packedA i32) (local $packed i32) (local $kc0 i32) (local $ncMax i32) (local $mc i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $q i32) (local $j0 i32) (local $w i32)
    (local $bp i32) (local $i0 i32) (local $rows i32) (local $full i32) (local $r i32) (local $ap i32)
    (local $c0 i32) (local $lda i32) (local $ldc i32) (local $acc i32) (local $left i32)
    (if (i32.ge_u (local.get $begin) (local.get $end)) (then (return)))
    (local.set $lda (i32.shl (local.get $k) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (if (i32.eqz (local.get $k))
      (then
        ;; an empty sum: rows of zeros
        (memory.fill (i32.add (local.get $c) (i32.mul (local.get $begin) (local.get $ldc))) (i32.const 0)
          (i32.mul (i32.sub (local.get $end) (local.get $begin)) (local.get $ldc)))
        (return)))
    (if (i32.and (i32.eqz (local.get $transB)) (i32.lt_u (local.get $m) (i32.const 4)))
      (then
        ;; one to three rows (a decode step with B as [k, n]): packing B would cost as much as the product
        (call $rowsDirect (local.get $a) (local.get $b) (local.get $c) (local.get $n) (local.get $k) (local.get $begin) (local.get $end))
        (return)))
    (local.set $tile (local.get $scratch))
    (local.set $packedA (i32.add (local.get $scratch) (i32.const 128)))
    (local.set $packed (i32.add (local.get $scratch) (i32.const 32896)))
    ;; the column-tail tile's unused lanes compute on whatever it holds: zeros, never a stale subnormal
    (memory.fill (local.get $tile) (i32.const 0) (i32.const 128))
    ;; k in equal blocks of at most 256 (a block of A's 4 rows and the panel stay in L1); mc rows of A (a
    ;; multiple of 4) packed at a time fill 32 KiB; nc: as many columns (a multiple of 8) as fill the rest
    (local.set $kc0 (i32.div_u (i32.add (local.get $k) (i32.const 255)) (i32.const 256)))
    (local.set $kc0 (i32.div_u (i32.add (local.get $k) (i32.sub (local.get $kc0) (i32.const 1))) (local.get $kc0)))
    (local.set $mc (i32.and (i32.div_u (i32.const 8192) (local.get $kc0)) (i32.const -4)))
    (local.set $ncMax (i32.and (i32.div_u (i32.const 57312) (local.get $kc0)) (i32.const -8)))
    (local.set $jc (i32.const 0))
    (block $jc_done
      (loop $jc_loop
        (br_if $jc_done (i32.ge_u (local.get $jc) (local.get $n)))
        (local.set $nc (i32.sub (local.get $n) (local.get $jc)))
        (if (i32.gt_u (local.get $nc) (local.get $ncMax)) (then (local.set $nc (local.get $ncMax))))
        (local.set $pc (i32.const 0))
        (block $pc_done
          (loop $pc_loop
            (br_if $pc_done (i32.ge_u (local.get $pc) (local.get $k)))
            (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
            (if (i32.gt_u (local.get $kc) (local.get $kc0)) (then (local.set $kc (local.get $kc0))))
            (local.set $acc (i32.ne (local.get $pc) (i32.const 0)))
            (call $packB (local.get $b) (local.get $transB) (local.get $n) (local.get $k) (local.get $jc) (local.get $nc)
              (local.get $pc) (local.get $kc) (local.get $packed))
            (local.set $i0 (local.get $begin))
            (block $i_done
              (loop $i_loop
                (br_if $i_done (i32.ge_u (local.get $i0) (local.get $end)))
                ;; mc rows at a time (a multiple of 4: only the range's last block has leftover rows)
                (local.set $rows (i32.sub (local.get $end) (local.get $i0)))
                (if (i32.gt_u (local.get $rows) (local.get $mc)) (then (local.set $rows (local.get $mc))))
                (local.set $full (i32.shr_u (local.get $rows) (i32.const 2)))
                (call $packA (i32.add (local.get $a) (i32.add (i32.mul (local.get $i0) (local.get $lda)) (i32.shl (local.get $pc) (i32.const 2))))
                  (local.get $lda) (local.get $full) (local.get $kc) (local.get $packedA))
                (local.set $left (i32.and (local.get $rows) (i32.const 3)))
                (if (i32.ge_u (local.get $left) (i32.const 2))
                  (then
                    (call $packRows (i32.add (local.get $a) (i32.add
                        (i32.mul (i32.add (local.get $i0) (i32.shl (local.get $full) (i32.const 2))) (local.get $lda))
                        (i32.shl (local.get $pc) (i32.const 2))))
                      (local.get $lda) (local.get $left) (local.get $kc)
                      (i32.add (local.get $packedA) (i32.mul (local.get $full) (i32.shl (local.get $kc) (i32.const 4)))))))
                (local.set $q (i32.const 0))
                (block $q_done
                  (loop $q_loop
                    (local.set $j0 (i32.add (local.get $jc) (i32.shl (local.get $q) (i32.const 3))))
                    (br_if $q_done (i32.ge_u (local.get $j0) (i32.add (local.get $jc) (local.get $nc))))
                    (local.set $w (i32.sub (local.get $n) (local.get $j0)))
                    (if (i32.gt_u (local.get $w) (i32.const 8)) (then (local.set $w (i32.const 8))))
                    (local.set $bp (i32.add (local.get $packed) (i32.shl (i32.mul (local.get $q) (local.get $kc)) (i32.const 5))))
                    (local.set $c0 (i32.add (local.get $c)
                      (i32.add (i32.mul (local.get $i0) (local.get $ldc)) (i32.shl (local.get $j0) (i32.const 2)))))
                    (if (i32.eq (local.get $w) (i32.const 8))
                      (then
                        ;; every micro-panel of the block in one call
                        (if (local.get $full)
                          (then (call $tile4x8 (local.get $packedA) (local.get $bp) (local.get $kc) (local.get $c0) (local.get $ldc)
                            (local.get $acc) (local.get $full))))
                        (local.set $c0 (i32.add (local.get $c0) (i32.mul (local.get $full) (i32.shl (local.get $ldc) (i32.const 2))))))
                      (else
                        ;; a column tail: each micro-panel through the tile in scratch
                        (local.set $ap (local.get $packedA))
                        (local.set $r (i32.const 0))
                        (block $r_done
                          (loop $r_loop
                            (br_if $r_done (i32.ge_u (local.get $r) (local.get $full)))
                            (if (local.get $acc)
                              (then (call $copyTile (local.get $c0) (local.get $ldc) (local.get $tile) (i32.const 32) (i32.const 4) (local.get $w))))
                            (call $tile4x8 (local.get $ap) (local.get $bp) (local.get $kc) (local.get $tile) (i32.const 32) (local.get $acc) (i32.const 1))
                            (call $copyTile (local.get $tile) (i32.const 32) (local.get $c0) (local.get $ldc) (i32.const 4) (local.get $w))
                            (local.set $ap (i32.add (local.get $ap) (i32.shl (local.get $kc) (i32.const 4))))
                            (local.set $c0 (i32.add (local.get $c0) (i32.shl (local.get $ldc) (i32.const 2))))
                            (local.set $r (i32.add (local.get $r) (i32.const 1)))
                            (br $r_loop)))))
                    (if (i32.ge_u (local.get $left) (i32.const 2))
                      (then
                        ;; two or three rows left over: their zero-padded micro-panel through the tile (one 4-row
                        ;; tile costs less than two rows of $tile1x8, whose two sums a row wait on the adds' latency)
                        (if (local.get $acc)
                          (then (call $copyTile (local.get $c0) (local.get $ldc) (local.get $tile) (i32.const 32) (local.get $left) (local.get $w))))
                        (call $tile4x8 (i32.add (local.get $packedA) (i32.mul (local.get $full) (i32.shl (local.get $kc) (i32.const 4))))
                          (local.get $bp) (local.get $kc) (local.get $tile) (i32.const 32) (local.get $acc) (i32.const 1))
                        (call $copyTile (local.get $tile) (i32.const 32) (local.get $c0) (local.get $ldc) (local.get $left) (local.get $w)))
                      (else
                        (if (local.get $left)
                          (then
                            ;; one row left over: from A in place
                            (call $leftoverRows
                              (i32.add (local.get $a) (i32.add
                                (i32.mul (i32.add (local.get $i0) (i32.shl (local.get $full) (i32.const 2))) (local.get $lda))
                                (i32.shl (local.get $pc) (i32.const 2))))
                              (local.get $lda) (local.get $bp) (local.get $kc) (local.get $c0)
                              (local.get $ldc) (i32.const 1) (local.get $w) (local.get $tile) (local.get $acc))))))
                    (local.set $q (i32.add (local.get $q) (i32.const 1)))
                    (br $q_loop)))
                (local.set $i0 (i32.add (local.get $i0) (local.get $rows)))
                (br $i_loop)))
            (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
            (br $pc_loop)))
        (local.set $jc (i32.add (local.get $jc) (local.get $nc)))
        (br $jc_loop))))
