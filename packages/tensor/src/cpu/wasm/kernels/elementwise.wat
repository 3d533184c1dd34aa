;; A part of kernels.wat, the CPU backend's float32 module: the elementwise kernels: SiLU, GELU, SwiGLU, add/sub/mul/div.
;; scripts/wat-source.mjs puts it in place of its `;; include kernels/elementwise.wat` line; the rules every kernel
;; keeps are in kernels.wat's header.
  ;; ---------------------------------------------------------------------------------------------------------
  ;; Elementwise kernels — outer index: elements (binaryRow: rows). Four at a time, the last count mod 4 through
  ;; the same lane-wise code one at a time, so an element's bits never depend on where a range starts.
  ;; ---------------------------------------------------------------------------------------------------------

  ;; y[i] = f(x[i]) for i in [begin, end), f = 0 silu, 1 gelu (erf), 2 gelu (tanh).
  (func $unary (param $f i32) (param $x i32) (param $y i32) (param $begin i32) (param $end i32)
    (local $i i32) (local $v v128)
    (local.set $i (local.get $begin))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $end))
          (then (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
          (else (local.set $v (v128.load32_splat (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))))
        (local.set $v (if (result v128) (local.get $f)
          (then (call $gelu (local.get $v) (i32.sub (local.get $f) (i32.const 1))))
          (else (call $silu (local.get $v)))))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $end))
          (then
            (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))) (local.get $v))
            (local.set $i (i32.add (local.get $i) (i32.const 4))))
          (else
            (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))) (f32x4.extract_lane 0 (local.get $v)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $each))))

  ;; silu(x, y, scratch, begin, end): y = x·σ(x).
  (func (export "silu") (param $x i32) (param $y i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (call $unary (i32.const 0) (local.get $x) (local.get $y) (local.get $begin) (local.get $end)))

  ;; gelu(x, y, approximate, scratch, begin, end): approximate 0 = x·Φ(x) (erf), 1 = the tanh form.
  (func (export "gelu") (param $x i32) (param $y i32) (param $approximate i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (call $unary (i32.add (i32.const 1) (i32.ne (local.get $approximate) (i32.const 0)))
      (local.get $x) (local.get $y) (local.get $begin) (local.get $end)))

  ;; swiglu(gate, up, y, scratch, begin, end): y = silu(gate)·up, in llama2.c's order: (g·σ(g))·up.
  (func (export "swiglu") (param $gate i32) (param $up i32) (param $y i32) (param $scratch i32) (param $begin i32) (param $end i32)
    (local $i i32) (local $g v128) (local $u v128) (local $v v128)
    (local.set $i (local.get $begin))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $end))
          (then
            (local.set $g (v128.load (i32.add (local.get $gate) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $u (v128.load (i32.add (local.get $up) (i32.shl (local.get $i) (i32.const 2))))))
          (else
            (local.set $g (v128.load32_splat (i32.add (local.get $gate) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $u (v128.load32_splat (i32.add (local.get $up) (i32.shl (local.get $i) (i32.const 2)))))))
        (local.set $v (f32x4.mul (call $silu (local.get $g)) (local.get $u)))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $end))
          (then
            (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))) (local.get $v))
            (local.set $i (i32.add (local.get $i) (i32.const 4))))
          (else
            (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))) (f32x4.extract_lane 0 (local.get $v)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $each))))

  ;; y[i] = a[i] op b[i] for i < count (op 0 add, 1 sub, 2 mul, 3 div), one loop per op.
  (func $binaryRun (param $op i32) (param $a i32) (param $b i32) (param $y i32) (param $count i32)
    (local $i i32) (local $c4 i32)
    (local.set $c4 (i32.and (local.get $count) (i32.const -4)))
    (if (i32.eq (local.get $op) (i32.const 0))
      (then
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $i) (local.get $c4)))
            (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32x4.add (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $i) (local.get $count)))
            (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32.add (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (return)))
    (if (i32.eq (local.get $op) (i32.const 1))
      (then
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $i) (local.get $c4)))
            (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32x4.sub (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $i) (local.get $count)))
            (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32.sub (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (return)))
    (if (i32.eq (local.get $op) (i32.const 2))
      (then
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $i) (local.get $c4)))
            (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32x4.mul (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $i) (local.get $count)))
            (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32.mul (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (return)))
    (if (i32.eq (local.get $op) (i32.const 3))
      (then
        (block $vec_done
          (loop $vec
            (br_if $vec_done (i32.ge_u (local.get $i) (local.get $c4)))
            (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32x4.div (v128.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vec)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $i) (local.get $count)))
            (f32.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))
              (f32.div (f32.load (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2))))
                (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (return)))
    (unreachable)) ;; an unknown op: trap rather than leave y unwritten

  ;; binary(op, a, b, y, scratch, begin, end): y = a op b, same shapes; op 0 add, 1 sub, 2 mul, 3 div.
  (func (export "binary") (param $op i32) (param $a i32) (param $b i32) (param $y i32) (param $scratch i32)
    (param $begin i32) (param $end i32)
    (local $off i32)
    (if (i32.ge_u (local.get $begin) (local.get $end)) (then (return)))
    (local.set $off (i32.shl (local.get $begin) (i32.const 2)))
    (call $binaryRun (local.get $op) (i32.add (local.get $a) (local.get $off)) (i32.add (local.get $b) (local.get $off))
      (i32.add (local.get $y) (local.get $off)) (i32.sub (local.get $end) (local.get $begin))))

  ;; binaryRow(op, a, b, y, cols, scratch, begin, end) — outer index: rows: y[r, c] = a[r, c] op b[c]
  ;; (a bias, a gain), a [rows, cols], b [cols].
  (func (export "binaryRow") (param $op i32) (param $a i32) (param $b i32) (param $y i32) (param $cols i32)
    (param $scratch i32) (param $begin i32) (param $end i32)
    (local $r i32) (local $off i32)
    (local.set $r (local.get $begin))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $off (i32.mul (local.get $r) (i32.shl (local.get $cols) (i32.const 2))))
        (call $binaryRun (local.get $op) (i32.add (local.get $a) (local.get $off)) (local.get $b)
          (i32.add (local.get $y) (local.get $off)) (local.get $cols))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))
