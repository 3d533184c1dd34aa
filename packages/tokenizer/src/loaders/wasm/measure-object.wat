;; The strings of a tokenizer.json's `model.vocab` object and their bytes as written (scan-vocab.ts's measure, in
;; WebAssembly: see measureObject in scan-merges-wasm.ts), which size the memory the vocabulary is read into.
;; Its own module and memory (made once per process): the memory holds a window onto the file (a few hundred kB
;; of it at a time, then zeros), and `measure` goes on from $p, up to the window's limit.
(module
  (import "env" "memory" (memory 1))
  (global $p (export "p") (mut i32) (i32.const 0))
  (global $limit (mut i32) (i32.const 0))

  ;; where to go on: p, outside every string, and the window's limit (a string at or past it is not begun)
  (func (export "resume") (param $p i32) (param $limit i32)
    (global.set $p (local.get $p))
    (global.set $limit (local.get $limit)))

  ;; the strings of an object and their bytes as written, from $p to its `}`, added to $strings and $bytes: returns 0
  ;; past the `}` ($p there), 4 at the window's limit, -1 where it nests (`{` or `[`), 2 at a string it can not
  ;; finish in the window (or that holds a zero byte: the JavaScript measure goes on from its quote).
  ;; 16 bytes at a time: the quotes' bitmask, its prefix XOR (which bytes are inside a string: each quote opens or
  ;; closes one), popcounts for the strings closed and the bytes inside; a block with a backslash, a zero byte
  ;; or a brace or bracket outside the strings is read byte by byte, from outside the string it may start in
  (global $strings (export "strings") (mut i32) (i32.const 0))
  (global $bytes (export "bytes") (mut i32) (i32.const 0))
  (func (export "measure") (result i32)
    (local $p i32) (local $q i32) (local $c i32) (local $v v128) (local $quote i32) (local $in i32) (local $carry i32)
    (local $open i32) (local $until i32) (local $strings i32) (local $bytes i32)
    (local.set $p (global.get $p))
    (local.set $strings (global.get $strings))
    (local.set $bytes (global.get $bytes))
    (block $stop
      (loop $block
        ;; a block starts outside every string ($carry 0), or inside the one whose quote is at $open
        (br_if $stop (i32.and (i32.eqz (local.get $carry)) (i32.ge_u (local.get $p) (global.get $limit))))
        (local.set $v (v128.load (local.get $p)))
        (local.set $quote (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))))
        (local.set $in (i32.xor (local.get $quote) (i32.shl (local.get $quote) (i32.const 1))))
        (local.set $in (i32.xor (local.get $in) (i32.shl (local.get $in) (i32.const 2))))
        (local.set $in (i32.xor (local.get $in) (i32.shl (local.get $in) (i32.const 4))))
        (local.set $in (i32.and (i32.xor (i32.xor (local.get $in) (i32.shl (local.get $in) (i32.const 8)))
          (i32.sub (i32.const 0) (local.get $carry))) (i32.const 0xffff)))
        (if (i32.eqz (i32.or
              (i8x16.bitmask (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0)))))
              (i32.and (i32.xor (local.get $in) (i32.const 0xffff)) (i8x16.bitmask (v128.or
                (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7b))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5b))))
                (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x7d))))))))
          (then
            (local.set $strings (i32.add (local.get $strings) (i32.popcnt (i32.and (local.get $quote) (i32.xor (local.get $in) (i32.const 0xffff))))))
            (local.set $bytes (i32.add (local.get $bytes) (i32.popcnt (i32.and (local.get $in) (i32.xor (local.get $quote) (i32.const 0xffff))))))
            (if (i32.and (local.get $quote) (local.get $in)) (then
              (local.set $open (i32.sub (i32.add (local.get $p) (i32.const 31)) (i32.clz (i32.and (local.get $quote) (local.get $in)))))))
            (local.set $carry (i32.shr_u (local.get $in) (i32.const 15)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $block)))
        ;; byte by byte, from outside any string, to past this block
        (local.set $until (i32.add (local.get $p) (i32.const 16)))
        (if (local.get $carry) (then
          (local.set $bytes (i32.sub (local.get $bytes) (i32.sub (i32.sub (local.get $p) (local.get $open)) (i32.const 1))))
          (local.set $p (local.get $open))
          (local.set $carry (i32.const 0))))
        (loop $byte
          (br_if $block (i32.ge_u (local.get $p) (local.get $until)))
          (br_if $stop (i32.ge_u (local.get $p) (global.get $limit)))
          (local.set $c (i32.load8_u (local.get $p)))
          (if (i32.eq (local.get $c) (i32.const 0x22)) (then
            (local.set $q (i32.add (local.get $p) (i32.const 1)))
            (block $end
              (loop $in
                (local.set $c (i32.load8_u (local.get $q)))
                (br_if $end (i32.eq (local.get $c) (i32.const 0x22)))
                (if (i32.eqz (local.get $c)) (then
                  (global.set $p (local.get $p))
                  (global.set $strings (local.get $strings))
                  (global.set $bytes (local.get $bytes))
                  (return (i32.const 2))))
                (local.set $q (i32.add (local.get $q) (select (i32.const 2) (i32.const 1) (i32.eq (local.get $c) (i32.const 0x5c)))))
                (br $in)))
            (local.set $strings (i32.add (local.get $strings) (i32.const 1)))
            (local.set $bytes (i32.add (local.get $bytes) (i32.sub (i32.sub (local.get $q) (local.get $p)) (i32.const 1))))
            (local.set $p (i32.add (local.get $q) (i32.const 1)))
            (br $byte)))
          (if (i32.eq (local.get $c) (i32.const 0x7d)) (then
            (global.set $p (i32.add (local.get $p) (i32.const 1)))
            (global.set $strings (local.get $strings))
            (global.set $bytes (local.get $bytes))
            (return (i32.const 0))))
          (if (i32.or (i32.eq (local.get $c) (i32.const 0x7b)) (i32.eq (local.get $c) (i32.const 0x5b))) (then (return (i32.const -1))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $byte))))
    ;; at the window's limit, outside every string
    (global.set $p (local.get $p))
    (global.set $strings (local.get $strings))
    (global.set $bytes (local.get $bytes))
    (i32.const 4))
)
