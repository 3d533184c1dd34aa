;; model.merges of a tokenizer.json resolved against the vocabulary's KeyIndex, in WebAssembly (see
;; scan-merges-wasm.ts, which lays the memory out and handles what this module hands back).
;; The memory holds the vocabulary as the JavaScript reader wrote it there (the index's table: 4 i32 per slot,
;; hash, number + 1 | min(length, 255) << 24, first 8 bytes; the keys' bytes (arena) and offsets (starts)), a
;; window onto the file (a few hundred kB of it at a time, then zeros), a batch's records and scratch for sides
;; with escapes, and the output ([left, right, merged] key numbers per merge, emptied by the caller when full).
;; `merges` reads merges from $p on, batches of 64 per call, and returns a status; $p, $count and $last say where
;; it stopped. Anything it does not read itself (a \u escape, a control character, an escaped "a b", a merge
;; that runs past the window, anything malformed) it hands back at the merge's start to the JavaScript reader,
;; which reads it from the file, and so makes every error and every fallback to JSON.parse.
(module
  ;; NOTE: imported, made at its size: growing a memory detaches its old buffer, and the engine's first detached
  ;; buffer makes every typed array access of the process check for one from then on
  (import "env" "memory" (memory 1))
  (global $p (export "p") (mut i32) (i32.const 0))
  (global $count (export "count") (mut i32) (i32.const 0))
  (global $last (export "last") (mut i32) (i32.const -1))
  (global $table (mut i32) (i32.const 0))
  (global $mask (mut i32) (i32.const 0))
  (global $arena (mut i32) (i32.const 0))
  (global $starts (mut i32) (i32.const 0))
  (global $keys (mut i32) (i32.const 0))
  (global $scratch (mut i32) (i32.const 0))
  (global $scratchEnd (mut i32) (i32.const 0))
  ;; 64 records of a batch's merges, 64 bytes each (two sides of 32 bytes: see $parse and $merges), then scratch
  (global $recs (mut i32) (i32.const 0))
  (global $out (mut i32) (i32.const 0))
  (global $cap (export "cap") (mut i32) (i32.const 0))
  (global $used (mut i32) (i32.const 0))
  (global $limit (mut i32) (i32.const 0))

  (func (export "setup") (param $table i32) (param $mask i32) (param $arena i32) (param $starts i32) (param $keys i32)
    (param $recs i32) (param $scratchEnd i32) (param $out i32) (param $cap i32)
    (global.set $table (local.get $table))
    (global.set $mask (local.get $mask))
    (global.set $arena (local.get $arena))
    (global.set $starts (local.get $starts))
    (global.set $keys (local.get $keys))
    (global.set $recs (local.get $recs))
    (global.set $scratch (i32.add (local.get $recs) (i32.const 4096)))
    (global.set $scratchEnd (local.get $scratchEnd))
    (global.set $out (local.get $out))
    (global.set $cap (local.get $cap))
    (global.set $last (i32.const -1)))

  ;; where to go on: the merge at p (a merge at or past `limit` is not begun: the window of the file ends soon
  ;; after), the merges in the output so far, the key the last merge made
  (func (export "resume") (param $p i32) (param $limit i32) (param $count i32) (param $last i32)
    (global.set $p (local.get $p))
    (global.set $limit (local.get $limit))
    (global.set $count (local.get $count))
    (global.set $last (local.get $last)))

  ;; whether bytes [a, a + n) equal [b, b + n): 8 at a time, the last fewer than 8 as one masked 8-byte compare
  ;; (the memory has slack past every range read)
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (loop $eight
      (if (i32.ge_s (local.get $n) (i32.const 8)) (then
        (if (i64.ne (i64.load (local.get $a)) (i64.load (local.get $b))) (then (return (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 8)))
        (br $eight))))
    (if (i32.le_s (local.get $n) (i32.const 0)) (then (return (i32.const 1))))
    (i64.eqz (i64.and (i64.xor (i64.load (local.get $a)) (i64.load (local.get $b)))
      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $n) (i32.const 3)))) (i64.const 1)))))

  ;; the first 8 bytes of [s, s + n) as a table line holds them (zeros past n): two little-endian words, as KeyIndex's word
  (func $head (param $s i32) (param $n i32) (result i64)
    (if (i32.ge_s (local.get $n) (i32.const 8)) (then (return (i64.load (local.get $s)))))
    (i64.and (i64.load (local.get $s))
      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (select (local.get $n) (i32.const 0) (i32.gt_s (local.get $n) (i32.const 0))) (i32.const 3)))) (i64.const 1))))

  ;; the number of the key equal to [s, e) (hash h), or -1: KeyIndex.find from the table line `line` (the one h
  ;; starts at: the caller has it, from the batch's first pass)
  (func $find (param $line i32) (param $h i32) (param $s i32) (param $e i32) (result i32)
    (local $n i32) (local $len i32) (local $w i64) (local $meta i32) (local $k i32) (local $i i32)
    (local.set $n (i32.sub (local.get $e) (local.get $s)))
    (local.set $len (select (local.get $n) (i32.const 255) (i32.lt_s (local.get $n) (i32.const 255))))
    ;; (as $head: written out, the engine does not inline calls)
    (local.set $w (i64.load (local.get $s)))
    (if (i32.lt_u (local.get $n) (i32.const 8)) (then
      (local.set $w (i64.and (local.get $w) (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $n) (i32.const 3)))) (i64.const 1))))))
    (loop $probe
      (local.set $meta (i32.load offset=4 (local.get $line)))
      (if (i32.eqz (local.get $meta)) (then (return (i32.const -1))))
      (if (i32.and
            (i32.and (i32.eq (i32.load (local.get $line)) (local.get $h)) (i32.eq (i32.shr_u (local.get $meta) (i32.const 24)) (local.get $len)))
            (i64.eq (i64.load offset=8 (local.get $line)) (local.get $w)))
        (then
          (local.set $k (i32.sub (i32.and (local.get $meta) (i32.const 0xffffff)) (i32.const 1)))
          (if (i32.le_s (local.get $n) (i32.const 8)) (then (return (local.get $k))))
          ;; longer than a line holds: the rest of its bytes, from the arena
          (local.set $i (i32.add (global.get $starts) (i32.shl (local.get $k) (i32.const 2))))
          (if (i32.eq (i32.sub (i32.load offset=4 (local.get $i)) (i32.load (local.get $i))) (local.get $n)) (then
            (if (call $same (i32.add (i32.add (global.get $arena) (i32.load (local.get $i))) (i32.const 8))
                  (i32.add (local.get $s) (i32.const 8)) (i32.sub (local.get $n) (i32.const 8)))
              (then (return (local.get $k))))))))
      (local.set $line (i32.add (global.get $table) (i32.and (i32.add (i32.sub (local.get $line) (global.get $table)) (i32.const 16))
        (i32.or (i32.shl (global.get $mask) (i32.const 4)) (i32.const 15)))))
      (br $probe))
    (i32.const -1))

  ;; the table line hash h starts at (murmur3's finalizer, as key-index.ts's mix, then the mask)
  (func $line (param $h i32) (result i32)
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0xc2b2ae35)))
    (i32.add (global.get $table) (i32.shl (i32.and (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (global.get $mask)) (i32.const 4))))

  ;; whether key k is [as, ae) followed by [bs, be): KeyIndex.spells
  (func $spells (param $k i32) (param $as i32) (param $ae i32) (param $bs i32) (param $be i32) (result i32)
    (local $i i32) (local $la i32)
    (if (i32.or (i32.lt_s (local.get $k) (i32.const 0)) (i32.ge_s (local.get $k) (global.get $keys))) (then (return (i32.const 0))))
    (local.set $i (i32.load (i32.add (global.get $starts) (i32.shl (local.get $k) (i32.const 2)))))
    (local.set $la (i32.sub (local.get $ae) (local.get $as)))
    (if (i32.ne (i32.sub (i32.load offset=4 (i32.add (global.get $starts) (i32.shl (local.get $k) (i32.const 2)))) (local.get $i))
                (i32.add (local.get $la) (i32.sub (local.get $be) (local.get $bs))))
      (then (return (i32.const 0))))
    (local.set $i (i32.add (global.get $arena) (local.get $i)))
    (i32.and
      (call $same (local.get $i) (local.get $as) (local.get $la))
      (call $same (i32.add (local.get $i) (local.get $la)) (local.get $bs) (i32.sub (local.get $be) (local.get $bs)))))

;; whether key k is [as, ae) followed by [bs, be) (as $spells), with sides of at most 8 bytes compared without a
  ;; call (the common case: the key after the last merge's, for the next merge)
  (func $next (param $k i32) (param $as i32) (param $ae i32) (param $bs i32) (param $be i32) (result i32)
    (local $i i32) (local $la i32) (local $lb i32)
    (local.set $la (i32.sub (local.get $ae) (local.get $as)))
    (local.set $lb (i32.sub (local.get $be) (local.get $bs)))
    (if (i32.or (i32.ge_u (local.get $k) (global.get $keys)) (i32.or (i32.gt_u (local.get $la) (i32.const 8)) (i32.gt_u (local.get $lb) (i32.const 8))))
      (then (return (call $spells (local.get $k) (local.get $as) (local.get $ae) (local.get $bs) (local.get $be)))))
    (local.set $i (i32.add (global.get $starts) (i32.shl (local.get $k) (i32.const 2))))
    (if (i32.ne (i32.sub (i32.load offset=4 (local.get $i)) (i32.load (local.get $i))) (i32.add (local.get $la) (local.get $lb))) (then (return (i32.const 0))))
    (local.set $i (i32.add (global.get $arena) (i32.load (local.get $i))))
    (i32.and
      (i64.eqz (i64.and (i64.xor (i64.load (local.get $i)) (i64.load (local.get $as)))
        (select (i64.const -1) (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $la) (i32.const 3)))) (i64.const 1)) (i32.eq (local.get $la) (i32.const 8)))))
      (i64.eqz (i64.and (i64.xor (i64.load (i32.add (local.get $i) (local.get $la))) (i64.load (local.get $bs)))
        (select (i64.const -1) (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $lb) (i32.const 3)))) (i64.const 1)) (i32.eq (local.get $lb) (i32.const 8)))))))

  ;; the key spelled [as, ae) + [bs, be) from the two hashes (h(A + B) = h(A)·M^len(B) + h(B)), or -1: KeyIndex.findConcat
  (func $findConcat (param $ha i32) (param $as i32) (param $ae i32) (param $hb i32) (param $bs i32) (param $be i32) (result i32)
    (local $h i32) (local $n i32) (local $slot i32) (local $meta i32) (local $k0 i32) (local $k i32)
    (local.set $h (local.get $ha))
    (local.set $n (i32.sub (local.get $be) (local.get $bs)))
    (loop $pow
      (if (i32.gt_s (local.get $n) (i32.const 0)) (then
        (local.set $h (i32.mul (local.get $h) (i32.const 0x01000193)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $pow))))
    (local.set $h (i32.add (local.get $h) (local.get $hb)))
    (local.set $slot (i32.shr_u (i32.sub (call $line (local.get $h)) (global.get $table)) (i32.const 4)))
    (loop $probe
      (local.set $k0 (i32.add (global.get $table) (i32.shl (local.get $slot) (i32.const 4))))
      (local.set $meta (i32.load offset=4 (local.get $k0)))
      (if (i32.eqz (local.get $meta)) (then (return (i32.const -1))))
      (local.set $k (i32.sub (i32.and (local.get $meta) (i32.const 0xffffff)) (i32.const 1)))
      (if (i32.eq (i32.load (local.get $k0)) (local.get $h)) (then
        (if (call $spells (local.get $k) (local.get $as) (local.get $ae) (local.get $bs) (local.get $be)) (then (return (local.get $k))))))
      (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (global.get $mask)))
      (br $probe))
    (i32.const -1))

  ;; the first byte at or after p that is not JSON whitespace (0x20, 0x0a, 0x0d, 0x09), 16 bytes at a time (the
  ;; memory has zeros past every window, which are not whitespace)
  (func $skipSpace (param $p i32) (result i32)
    (local $v v128) (local $m i32)
    (loop $more
      (local.set $v (v128.load (local.get $p)))
      (local.set $m (i8x16.bitmask (v128.or
        (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x20))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0a))))
        (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x0d))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x09)))))))
      (if (i32.eq (local.get $m) (i32.const 0xffff)) (then
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $more))))
    (i32.add (local.get $p) (i32.ctz (i32.xor (local.get $m) (i32.const 0xffff)))))

  ;; the string whose opening quote is at q: sets $s0/$s1/$h0 (its bytes, decoded into scratch when it has simple
  ;; escapes) and returns the index of its closing quote, or -1 for what the JavaScript reader must take
  (global $s0 (mut i32) (i32.const 0))
  (global $s1 (mut i32) (i32.const 0))
  (global $h0 (mut i32) (i32.const 0))
  (func $string (param $q i32) (result i32)
    (local $p i32) (local $c i32) (local $h i32) (local $o i32) (local $o0 i32) (local $v v128)
    (local.set $p (i32.add (local.get $q) (i32.const 1)))
    (block $escaped
      ;; 16 bytes at a time: those before the first quote, backslash or control character hashed
      (loop $plain
        (local.set $v (v128.load (local.get $p)))
        (local.set $c (i32.add (local.get $p) (i32.ctz (i32.or (i32.const 0x10000) (i8x16.bitmask (v128.or
          (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
          (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20)))))))))
        (local.set $o (i32.sub (local.get $c) (local.get $p)))
        (loop $hash
          (if (i32.lt_u (local.get $p) (local.get $c)) (then
            (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 0x01000193)) (i32.load8_u (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $hash))))
        (br_if $plain (i32.eq (local.get $o) (i32.const 16)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.eq (local.get $c) (i32.const 0x22)) (then
          (global.set $s0 (i32.add (local.get $q) (i32.const 1)))
          (global.set $s1 (local.get $p))
          (global.set $h0 (local.get $h))
          (return (local.get $p))))
        (br_if $escaped (i32.eq (local.get $c) (i32.const 0x5c)))
        ;; a control character
        (return (i32.const -1))))
    ;; copy what was read into scratch, then decode the rest there
    (local.set $o0 (i32.add (global.get $scratch) (global.get $used)))
    (local.set $o (i32.add (local.get $o0) (i32.sub (local.get $p) (i32.add (local.get $q) (i32.const 1)))))
    (if (i32.ge_u (local.get $o) (global.get $scratchEnd)) (then (return (i32.const -1))))
    (local.set $c (i32.const 0))
    (loop $copy
      (if (i32.lt_u (i32.add (local.get $o0) (local.get $c)) (local.get $o)) (then
        (i32.store8 (i32.add (local.get $o0) (local.get $c)) (i32.load8_u (i32.add (i32.add (local.get $q) (i32.const 1)) (local.get $c))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $copy))))
    (loop $decode
      (local.set $c (i32.load8_u (local.get $p)))
      (if (i32.eq (local.get $c) (i32.const 0x22)) (then
        (global.set $s0 (local.get $o0))
        (global.set $s1 (local.get $o))
        (global.set $h0 (local.get $h))
        (global.set $used (i32.sub (local.get $o) (global.get $scratch)))
        (return (local.get $p))))
      (if (i32.lt_u (local.get $c) (i32.const 0x20)) (then (return (i32.const -1))))
      (if (i32.ge_u (local.get $o) (global.get $scratchEnd)) (then (return (i32.const -1))))
      (if (i32.eq (local.get $c) (i32.const 0x5c)) (then
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $c (i32.load8_u (local.get $p)))
        (block $simple
          (br_if $simple (i32.or (i32.eq (local.get $c) (i32.const 0x22)) (i32.or (i32.eq (local.get $c) (i32.const 0x5c)) (i32.eq (local.get $c) (i32.const 0x2f)))))
          (if (i32.eq (local.get $c) (i32.const 0x6e)) (then (local.set $c (i32.const 0x0a)) (br $simple)))
          (if (i32.eq (local.get $c) (i32.const 0x74)) (then (local.set $c (i32.const 0x09)) (br $simple)))
          (if (i32.eq (local.get $c) (i32.const 0x72)) (then (local.set $c (i32.const 0x0d)) (br $simple)))
          (if (i32.eq (local.get $c) (i32.const 0x62)) (then (local.set $c (i32.const 0x08)) (br $simple)))
          (if (i32.eq (local.get $c) (i32.const 0x66)) (then (local.set $c (i32.const 0x0c)) (br $simple)))
          ;; \u, or an escape JSON has not: the JavaScript reader's
          (return (i32.const -1)))))
      (i32.store8 (local.get $o) (local.get $c))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 0x01000193)) (local.get $c)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $decode))
    (i32.const -1))

  ;; parses the merge at p (`["a", "b"]` or `"a b"`) into the record at r (as, ae, ha at 0; bs, be, hb at 32) and the `,`
  ;; or `]` after it; returns the index after them ($ended set by a `]`), or -1 for a merge the JavaScript reader
  ;; takes (one it reads differently, or one that is not written as the fast reader reads: it decides)
  (global $ended (mut i32) (i32.const 0))
  (func $parse (param $p i32) (param $r i32) (result i32)
    (local $c i32) (local $space i32) (local $h i32) (local $s i32)
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.eq (local.get $c) (i32.const 0x5b))
      (then
        (local.set $p (call $skipSpace (i32.add (local.get $p) (i32.const 1))))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
        (local.set $p (call $string (local.get $p)))
        (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
        (i32.store (local.get $r) (global.get $s0))
        (i32.store offset=4 (local.get $r) (global.get $s1))
        (i32.store offset=8 (local.get $r) (global.get $h0))
        ;; (whitespace skipped with a call only where the byte there is not the one expected, as files are written)
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x2c)) (then (local.set $p (call $skipSpace (local.get $p)))))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x2c)) (then (return (i32.const -1))))
        (local.set $p (call $skipSpace (i32.add (local.get $p) (i32.const 1))))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)) (then (return (i32.const -1))))
        (local.set $p (call $string (local.get $p)))
        (if (i32.lt_s (local.get $p) (i32.const 0)) (then (return (i32.const -1))))
        (i32.store offset=32 (local.get $r) (global.get $s0))
        (i32.store offset=36 (local.get $r) (global.get $s1))
        (i32.store offset=40 (local.get $r) (global.get $h0))
        (local.set $p (call $skipSpace (i32.add (local.get $p) (i32.const 1))))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x5d)) (then (return (i32.const -1))))
        (local.set $p (i32.add (local.get $p) (i32.const 1))))
      (else
        (if (i32.ne (local.get $c) (i32.const 0x22)) (then (return (i32.const -1))))
        ;; "a b": one space splits it
        (local.set $s (i32.add (local.get $p) (i32.const 1)))
        (local.set $space (i32.const -1))
        (local.set $p (local.get $s))
        (block $end
          (loop $byte
            (local.set $c (i32.load8_u (local.get $p)))
            (br_if $end (i32.eq (local.get $c) (i32.const 0x22)))
            (if (i32.or (i32.eq (local.get $c) (i32.const 0x5c)) (i32.lt_u (local.get $c) (i32.const 0x20))) (then (return (i32.const -1))))
            (if (i32.eq (local.get $c) (i32.const 0x20))
              (then
                (if (i32.ge_s (local.get $space) (i32.const 0)) (then (return (i32.const -1))))
                (local.set $space (local.get $p))
                (i32.store offset=8 (local.get $r) (local.get $h))
                (local.set $h (i32.const 0)))
              (else (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 0x01000193)) (local.get $c)))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $byte)))
        (if (i32.lt_s (local.get $space) (i32.const 0)) (then (return (i32.const -1))))
        (i32.store (local.get $r) (local.get $s))
        (i32.store offset=4 (local.get $r) (local.get $space))
        (i32.store offset=32 (local.get $r) (i32.add (local.get $space) (i32.const 1)))
        (i32.store offset=36 (local.get $r) (local.get $p))
        (i32.store offset=40 (local.get $r) (local.get $h))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    ;; `,` and the next merge, or `]`
    (local.set $c (i32.load8_u (local.get $p)))
    (if (i32.and (i32.ne (local.get $c) (i32.const 0x2c)) (i32.ne (local.get $c) (i32.const 0x5d))) (then
      (local.set $p (call $skipSpace (local.get $p)))
      (local.set $c (i32.load8_u (local.get $p)))))
    (if (i32.eq (local.get $c) (i32.const 0x5d)) (then
      (global.set $ended (i32.const 1))
      (return (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.ne (local.get $c) (i32.const 0x2c)) (then (return (i32.const -1))))
    (call $skipSpace (i32.add (local.get $p) (i32.const 1))))

  ;; the merge of record r: [left, right, merged] key numbers stored at o; returns merged, or -1 (a token not in
  ;; the vocabulary). As MergeReader.resolve: the token a merge makes is mostly the one after the previous merge's
  (func $resolve (param $r i32) (param $o i32) (result i32)
    (local $left i32) (local $right i32) (local $merged i32) (local $as i32) (local $ae i32) (local $bs i32) (local $be i32)
    (local.set $as (i32.load (local.get $r)))
    (local.set $ae (i32.load offset=4 (local.get $r)))
    (local.set $bs (i32.load offset=32 (local.get $r)))
    (local.set $be (i32.load offset=36 (local.get $r)))
    (local.set $left (call $find (i32.load offset=12 (local.get $r)) (i32.load offset=8 (local.get $r)) (local.get $as) (local.get $ae)))
    (if (i32.lt_s (local.get $left) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $right (call $find (i32.load offset=44 (local.get $r)) (i32.load offset=40 (local.get $r)) (local.get $bs) (local.get $be)))
    (if (i32.lt_s (local.get $right) (i32.const 0)) (then (return (i32.const -1))))
    (local.set $merged (i32.add (global.get $last) (i32.const 1)))
    (if (i32.eqz (call $next (local.get $merged) (local.get $as) (local.get $ae) (local.get $bs) (local.get $be))) (then
      (local.set $merged (global.get $last))
      (if (i32.eqz (call $spells (local.get $merged) (local.get $as) (local.get $ae) (local.get $bs) (local.get $be))) (then
        (local.set $merged (i32.add (global.get $last) (i32.const 2)))
        (if (i32.eqz (call $spells (local.get $merged) (local.get $as) (local.get $ae) (local.get $bs) (local.get $be))) (then
          (local.set $merged (call $findConcat (i32.load offset=8 (local.get $r)) (local.get $as) (local.get $ae)
            (i32.load offset=40 (local.get $r)) (local.get $bs) (local.get $be)))
          (if (i32.lt_s (local.get $merged) (i32.const 0)) (then (return (i32.const -1))))))))))
    (i32.store (local.get $o) (local.get $left))
    (i32.store offset=4 (local.get $o) (local.get $right))
    (i32.store offset=8 (local.get $o) (local.get $merged))
    (local.get $merged))

  ;; what the reads of the table lines added up to (kept, so that they are not optimized away)
  (global $touched (mut i32) (i32.const 0))

  ;; reads and resolves merges from $p, 64 at a time: a batch is parsed (where its sides' lookups start computed
  ;; as it is), the table lines they start at read together in a loop of loads only (so that many trips to memory
  ;; are under way at once), then each merge resolved. Returns after n batches
  ;; (1), at the array's end (0, $p past its `]`), at a merge for the JavaScript reader (2, $p at its start:
  ;; one the module does not read, or one that resolves to no key, whose error the JavaScript reader makes), or
  ;; when the output is full (3, $p at the merge that has no room), or at a merge past the window's limit (4)
  (func (export "merges") (param $n i32) (result i32)
    (local $p i32) (local $k i32) (local $i i32) (local $q i32) (local $status i32) (local $x i32) (local $r i32) (local $merged i32)
    (local.set $p (global.get $p))
    (loop $batch
      (global.set $used (i32.const 0))
      (global.set $ended (i32.const 0))
      (local.set $k (i32.const 0))
      (local.set $status (i32.const 1))
      (block $parsed
        (loop $next
          (br_if $parsed (i32.ge_u (local.get $k) (i32.const 64)))
          (if (i32.ge_u (local.get $p) (global.get $limit)) (then
            (local.set $status (i32.const 4))
            (br $parsed)))
          (if (i32.ge_u (i32.add (global.get $count) (local.get $k)) (global.get $cap)) (then
            (local.set $status (i32.const 3))
            (br $parsed)))
          (local.set $r (i32.add (global.get $recs) (i32.shl (local.get $k) (i32.const 6))))
          (i32.store offset=24 (local.get $r) (local.get $p))
          (local.set $q (call $parse (local.get $p) (local.get $r)))
          (if (i32.lt_s (local.get $q) (i32.const 0)) (then
            (local.set $status (i32.const 2))
            (br $parsed)))
          ;; where its sides' lookups start (computed now: the loop that reads those lines is then loads only)
          (i32.store offset=12 (local.get $r) (call $line (i32.load offset=8 (local.get $r))))
          (i32.store offset=44 (local.get $r) (call $line (i32.load offset=40 (local.get $r))))
          (local.set $p (local.get $q))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (if (global.get $ended) (then
            (local.set $status (i32.const 0))
            (br $parsed)))
          (br $next)))
      (local.set $i (i32.const 0))
      (local.set $x (i32.const 0))
      (loop $touch
        (if (i32.lt_u (local.get $i) (local.get $k)) (then
          (local.set $r (i32.add (global.get $recs) (i32.shl (local.get $i) (i32.const 6))))
          (local.set $x (i32.xor (local.get $x) (i32.xor
            (i32.load offset=4 (i32.load offset=12 (local.get $r))) (i32.load offset=4 (i32.load offset=44 (local.get $r))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $touch))))
      ;; then, for the sides longer than the 8 bytes a line holds, where the key their line names starts (a side
      ;; of 32 bytes: s, e, h, line, and here that place, or 0); then its bytes past the first 8, which $find
      ;; compares: two more rounds of trips to memory, each overlapped in the same way
      (local.set $i (global.get $recs))
      (local.set $q (i32.add (global.get $recs) (i32.shl (local.get $k) (i32.const 6))))
      (loop $starts
        (if (i32.lt_u (local.get $i) (local.get $q)) (then
          (local.set $r (i32.load offset=12 (local.get $i)))
          (local.set $merged (i32.sub (i32.and (i32.load offset=4 (local.get $r)) (i32.const 0xffffff)) (i32.const 1)))
          (i32.store offset=16 (local.get $i) (i32.const 0))
          (if (i32.and
                (i32.gt_s (i32.sub (i32.load offset=4 (local.get $i)) (i32.load (local.get $i))) (i32.const 8))
                (i32.and (i32.eq (i32.load (local.get $r)) (i32.load offset=8 (local.get $i)))
                  (i32.lt_u (local.get $merged) (global.get $keys))))
            (then (i32.store offset=16 (local.get $i) (i32.add (global.get $arena)
              (i32.load (i32.add (global.get $starts) (i32.shl (local.get $merged) (i32.const 2))))))))
          (local.set $i (i32.add (local.get $i) (i32.const 32)))
          (br $starts))))
      (local.set $i (global.get $recs))
      (loop $tails
        (if (i32.lt_u (local.get $i) (local.get $q)) (then
          (local.set $r (i32.load offset=16 (local.get $i)))
          (if (local.get $r) (then (local.set $x (i32.xor (local.get $x) (i32.load8_u offset=8 (local.get $r))))))
          (local.set $i (i32.add (local.get $i) (i32.const 32)))
          (br $tails))))
      (global.set $touched (i32.xor (global.get $touched) (local.get $x)))
      (local.set $i (i32.const 0))
      (loop $resolve
        (if (i32.lt_u (local.get $i) (local.get $k)) (then
          (local.set $r (i32.add (global.get $recs) (i32.shl (local.get $i) (i32.const 6))))
          (local.set $merged (call $resolve (local.get $r) (i32.add (global.get $out) (i32.mul (global.get $count) (i32.const 12)))))
          (if (i32.lt_s (local.get $merged) (i32.const 0)) (then
            (global.set $p (i32.load offset=24 (local.get $r)))
            (return (i32.const 2))))
          (global.set $count (i32.add (global.get $count) (i32.const 1)))
          (global.set $last (local.get $merged))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $resolve))))
      (global.set $p (local.get $p))
      (if (i32.ne (local.get $status) (i32.const 1)) (then (return (local.get $status))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $batch (i32.gt_s (local.get $n) (i32.const 0))))
    (i32.const 1))

  ;; model.vocab: the JavaScript vocabulary reader's state (VocabReader) while the module reads entries
  (global $chars (export "chars") (mut i32) (i32.const 0))
  (global $hashes (mut i32) (i32.const 0))
  (global $charStarts (mut i32) (i32.const 0))
  (global $ids (mut i32) (i32.const 0))

  (func (export "setupVocab") (param $arena i32) (param $starts i32) (param $charStarts i32) (param $hashes i32) (param $ids i32)
    (global.set $arena (local.get $arena))
    (global.set $starts (local.get $starts))
    (global.set $charStarts (local.get $charStarts))
    (global.set $hashes (local.get $hashes))
    (global.set $ids (local.get $ids)))

  (func (export "resumeVocab") (param $p i32) (param $limit i32) (param $count i32) (param $used i32) (param $chars i32)
    (global.set $p (local.get $p))
    (global.set $limit (local.get $limit))
    (global.set $count (local.get $count))
    (global.set $vused (local.get $used))
    (global.set $chars (local.get $chars)))

  (global $vused (export "vused") (mut i32) (i32.const 0))

  ;; reads up to n entries `"key": id` from $p (as VocabReader.entries: each key's bytes copied into the arena,
  ;; its hash and UTF-16 length counted, its id parsed); returns 0 past the closing `}` ($p past it), 1 after n,
  ;; 2 at an entry for the JavaScript reader ($p at its quote: an escape, a control character, an id it does not
  ;; read, anything malformed: it decides), 4 at an entry at or past the window's limit
  (func (export "vocab") (param $n i32) (result i32)
    (local $p i32) (local $q i32) (local $chars i32) (local $count i32) (local $c i32) (local $h i32) (local $s i32)
    (local $id i64) (local $digits i32) (local $m i32) (local $v v128) (local $mask i32)
    (local.set $p (global.get $p))
    (local.set $q (global.get $vused))
    (local.set $chars (global.get $chars))
    (local.set $count (global.get $count))
    (block $stop
      (loop $entry
        (global.set $p (local.get $p))
        (global.set $vused (local.get $q))
        (global.set $chars (local.get $chars))
        (global.set $count (local.get $count))
        (if (i32.ge_u (local.get $m) (local.get $n)) (then (return (i32.const 1))))
        (if (i32.ge_u (local.get $p) (global.get $limit)) (then (return (i32.const 4))))
        (br_if $stop (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)))
        (local.set $s (local.get $q))
        (local.set $h (i32.const 0))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        ;; 16 bytes at a time: those before the first quote, backslash or control character copied (the 16 are
        ;; stored: the arena has room for every string as written, and 16 bytes of slack), their lead bytes counted
        ;; (two UTF-16 units for a 4-byte sequence's), then hashed one by one
        (loop $chunk
          (local.set $v (v128.load (local.get $p)))
          (v128.store (local.get $q) (local.get $v))
          (local.set $c (i32.ctz (i32.or (i32.const 0x10000) (i8x16.bitmask (v128.or
            (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22))) (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
            (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))))
          (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $c)) (i32.const 1)))
          (local.set $chars (i32.add (local.get $chars) (i32.add
            (i32.popcnt (i32.and (local.get $mask) (i32.xor (i32.const 0xffff) (i8x16.bitmask
              (i8x16.eq (v128.and (local.get $v) (i8x16.splat (i32.const 0xc0))) (i8x16.splat (i32.const 0x80)))))))
            (i32.popcnt (i32.and (local.get $mask) (i8x16.bitmask (i8x16.ge_u (local.get $v) (i8x16.splat (i32.const 0xf0)))))))))
          (local.set $q (i32.add (local.get $q) (local.get $c)))
          (local.set $c (i32.add (local.get $p) (local.get $c)))
          (loop $hash
            (if (i32.lt_u (local.get $p) (local.get $c)) (then
              (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 0x01000193)) (i32.load8_u (local.get $p))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $hash))))
          (br_if $chunk (i32.eq (local.get $mask) (i32.const 0xffff))))
        ;; an escape or a control character: the JavaScript reader's
        (br_if $stop (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x22)))
        ;; (whitespace skipped with a call only where the byte there is not the one expected, as files are written)
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)) (then (local.set $p (call $skipSpace (local.get $p)))))
        (br_if $stop (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x3a)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 0x20)) (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
        (if (i32.gt_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)) (i32.const 9)) (then (local.set $p (call $skipSpace (local.get $p)))))
        ;; the id: a plain non-negative integer that fits an i32 (anything else is the JavaScript reader's)
        (local.set $digits (local.get $p))
        (local.set $id (i64.const 0))
        (block $number
          (loop $digit
            (local.set $c (i32.sub (i32.load8_u (local.get $p)) (i32.const 0x30)))
            (br_if $number (i32.gt_u (local.get $c) (i32.const 9)))
            (br_if $stop (i32.ge_u (i32.sub (local.get $p) (local.get $digits)) (i32.const 10)))
            (local.set $id (i64.add (i64.mul (local.get $id) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $digit)))
        (br_if $stop (i32.eq (local.get $p) (local.get $digits)))
        (br_if $stop (i64.gt_u (local.get $id) (i64.const 0x7fffffff)))
        (br_if $stop (i32.and (i32.eq (i32.load8_u (local.get $digits)) (i32.const 0x30)) (i32.gt_u (i32.sub (local.get $p) (local.get $digits)) (i32.const 1))))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.and (i32.ne (local.get $c) (i32.const 0x7d)) (i32.ne (local.get $c) (i32.const 0x2c))) (then
          (local.set $p (call $skipSpace (local.get $p)))
          (local.set $c (i32.load8_u (local.get $p)))))
        (br_if $stop (i32.and (i32.ne (local.get $c) (i32.const 0x7d)) (i32.ne (local.get $c) (i32.const 0x2c))))
        ;; the entry is read: it counts
        (i32.store (i32.add (global.get $hashes) (i32.shl (local.get $count) (i32.const 2))) (local.get $h))
        (i32.store (i32.add (global.get $ids) (i32.shl (local.get $count) (i32.const 2))) (i32.wrap_i64 (local.get $id)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (i32.store (i32.add (global.get $starts) (i32.shl (local.get $count) (i32.const 2))) (i32.sub (local.get $q) (global.get $arena)))
        (i32.store (i32.add (global.get $charStarts) (i32.shl (local.get $count) (i32.const 2))) (local.get $chars))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (if (i32.eq (local.get $c) (i32.const 0x7d)) (then
          (global.set $p (i32.add (local.get $p) (i32.const 1)))
          (global.set $vused (local.get $q))
          (global.set $chars (local.get $chars))
          (global.set $count (local.get $count))
          (return (i32.const 0))))
        (local.set $p (call $skipSpace (i32.add (local.get $p) (i32.const 1))))
        (br $entry)))
    ;; (the state is the entry's start: set at the top of the loop)
    (i32.const 2))

  ;; builds the index of keys [0, count) (their bytes in the arena, offsets in starts, hashes in hashes) in the
  ;; table, as KeyIndex.insert does, 128 keys at a time: the table lines they start at found, then read (kept
  ;; in the records' space), then each inserted; returns the first key that repeats an earlier one, or -1
  (func (export "index") (param $count i32) (result i32)
    (local $from i32) (local $to i32) (local $k i32) (local $x i32) (local $h i32) (local $s i32) (local $n i32)
    (local $meta i32) (local $w i64) (local $a i32) (local $m i32) (local $i i32) (local $wrap i32)
    (local.set $wrap (i32.or (i32.shl (global.get $mask) (i32.const 4)) (i32.const 15)))
    (loop $batch
      (if (i32.lt_u (local.get $from) (local.get $count)) (then
        (local.set $to (select (local.get $count) (i32.add (local.get $from) (i32.const 128))
          (i32.lt_u (local.get $count) (i32.add (local.get $from) (i32.const 128)))))
        (local.set $k (local.get $from))
        (loop $lines
          (if (i32.lt_u (local.get $k) (local.get $to)) (then
            (i32.store (i32.add (global.get $recs) (i32.shl (i32.sub (local.get $k) (local.get $from)) (i32.const 2)))
              (call $line (i32.load (i32.add (global.get $hashes) (i32.shl (local.get $k) (i32.const 2))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $lines))))
        ;; (loads only: so that many are under way at once)
        (local.set $a (global.get $recs))
        (local.set $m (i32.add (global.get $recs) (i32.shl (i32.sub (local.get $to) (local.get $from)) (i32.const 2))))
        (loop $touch
          (if (i32.lt_u (local.get $a) (local.get $m)) (then
            (local.set $x (i32.or (local.get $x) (i32.load offset=4 (i32.load (local.get $a)))))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (br $touch))))
        (local.set $k (local.get $from))
        (loop $key
          (if (i32.lt_u (local.get $k) (local.get $to)) (then
            (local.set $h (i32.load (i32.add (global.get $hashes) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $i (i32.add (global.get $starts) (i32.shl (local.get $k) (i32.const 2))))
            (local.set $s (i32.add (global.get $arena) (i32.load (local.get $i))))
            (local.set $n (i32.sub (i32.load offset=4 (local.get $i)) (i32.load (local.get $i))))
            (local.set $meta (i32.or (i32.add (local.get $k) (i32.const 1))
              (i32.shl (select (local.get $n) (i32.const 255) (i32.lt_s (local.get $n) (i32.const 255))) (i32.const 24))))
            (local.set $w (call $head (local.get $s) (local.get $n)))
            (local.set $a (i32.load (i32.add (global.get $recs) (i32.shl (i32.sub (local.get $k) (local.get $from)) (i32.const 2)))))
            (block $free
              (loop $probe
                (local.set $m (i32.load offset=4 (local.get $a)))
                (br_if $free (i32.eqz (local.get $m)))
                (if (i32.and
                      (i32.and (i32.eq (i32.load (local.get $a)) (local.get $h)) (i32.eq (i32.shr_u (local.get $m) (i32.const 24)) (i32.shr_u (local.get $meta) (i32.const 24))))
                      (i64.eq (i64.load offset=8 (local.get $a)) (local.get $w)))
                  (then
                    (if (call $spells (i32.sub (i32.and (local.get $m) (i32.const 0xffffff)) (i32.const 1)) (local.get $s) (i32.add (local.get $s) (local.get $n))
                          (local.get $s) (local.get $s))
                      (then
                        (global.set $touched (i32.xor (global.get $touched) (local.get $x)))
                        (return (local.get $k))))))
                (local.set $a (i32.add (global.get $table) (i32.and (i32.add (i32.sub (local.get $a) (global.get $table)) (i32.const 16)) (local.get $wrap))))
                (br $probe)))
            (i32.store (local.get $a) (local.get $h))
            (i32.store offset=4 (local.get $a) (local.get $meta))
            (i64.store offset=8 (local.get $a) (local.get $w))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $key))))
        (local.set $from (local.get $to))
        (br $batch))))
    (global.set $touched (i32.xor (global.get $touched) (local.get $x)))
    (i32.const -1))
)
