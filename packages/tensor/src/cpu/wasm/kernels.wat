;; The CPU backend's float32 kernels (issue #13's engine contract; scripts/build-wasm.mjs compiles this into
;; kernels-wasm.ts, once importing a shared memory and once a non-shared one).
;;
;; Rules every export keeps (see the contract in f32-kernels.ts):
;; - The module owns no memory, data or address globals: it imports the backend's heap, and every pointer is a
;;   byte offset into it. Constants live in code (v128.const).
;; - A kernel that can be split across threads ends with (scratch, begin, end): it computes the outputs whose
;;   outer index lies in [begin, end); scratch is a 256 KiB region of its own (SCRATCH_BYTES).
;; - Determinism: each output element is computed by one call, in an order fixed by the shapes alone (never by
;;   begin/end or where a tile falls), so any split into calls gives the same bits.
;; - Float32 arithmetic throughout, SIMD 128-bit; no fused multiply-add (relaxed SIMD would make results
;;   depend on the CPU).
;; - Outputs may overwrite their input (same layout) in the row and elementwise kernels and attention (out = q);
;;   gemm's C and gemv's y must not overlap their inputs.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; ---------------------------------------------------------------------------------------------------------
  ;; Shared math
  ;; ---------------------------------------------------------------------------------------------------------

  ;; e^x in four lanes, relative error < 1e-7 where e^x is a normal float: Cody–Waite reduction x = n·ln2 + r
  ;; with ln2 in two parts, |r| ≤ ln2/2, then the degree-7 minimax polynomial of Cephes' expf, scaled by 2^n as
  ;; 2^(n/2)·2^(n − n/2) so that both factors stay normal floats over the whole range: x > 88.72 gives +inf,
  ;; subnormal results are kept (to a rounding), x below -104 gives 0, NaN stays NaN.
  (func $exp (param $x v128) (result v128)
    (local $r v128) (local $n v128) (local $p v128) (local $ni v128) (local $n1 v128)
    (local.set $r (f32x4.max
      (f32x4.min (local.get $x) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))
      (v128.const f32x4 -104 -104 -104 -104)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $r)
      (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    ;; n·C1 is exact (C1 has 9 significant bits, |n| ≤ 150)
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n)
      (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n)
      (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $r)
      (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
      (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; e^r = 1 + r + r²·p
    (local.set $p (f32x4.add
      (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    ;; · 2^n1 · 2^(n − n1), n1 = n >> 1, each built in the exponent bits
    (local.set $ni (i32x4.trunc_sat_f32x4_s (local.get $n)))
    (local.set $n1 (i32x4.shr_s (local.get $ni) (i32.const 1)))
    (local.set $p (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (local.get $n1) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (local.set $p (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.sub (local.get $ni) (local.get $n1)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (v128.bitselect
      (v128.const f32x4 inf inf inf inf)
      (local.get $p)
      (f32x4.gt (local.get $x) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))))

  ;; $exp of two vectors at once, the same operations lane for lane (the same bits as two calls): the two
  ;; polynomial chains interleave, so the second one's latency hides behind the first (attention's softmax
  ;; calls it for every eight scores).
  (func $exp2 (param $xa v128) (param $xb v128) (result v128 v128)
    (local $ra v128) (local $na v128) (local $pa v128) (local $nia v128) (local $n1a v128)
    (local $rb v128) (local $nb v128) (local $pb v128) (local $nib v128) (local $n1b v128)
    (local.set $ra (f32x4.max
      (f32x4.min (local.get $xa) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))
      (v128.const f32x4 -104 -104 -104 -104)))
    (local.set $rb (f32x4.max
      (f32x4.min (local.get $xb) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))
      (v128.const f32x4 -104 -104 -104 -104)))
    (local.set $na (f32x4.nearest (f32x4.mul (local.get $ra)
      (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $nb (f32x4.nearest (f32x4.mul (local.get $rb)
      (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    ;; n·C1 is exact (C1 has 9 significant bits, |n| ≤ 150)
    (local.set $ra (f32x4.sub (local.get $ra) (f32x4.mul (local.get $na)
      (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $rb (f32x4.sub (local.get $rb) (f32x4.mul (local.get $nb)
      (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $ra (f32x4.sub (local.get $ra) (f32x4.mul (local.get $na)
      (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $rb (f32x4.sub (local.get $rb) (f32x4.mul (local.get $nb)
      (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $ra)
      (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
      (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $rb)
      (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
      (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra))
      (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb))
      (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra))
      (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb))
      (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra))
      (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb))
      (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $pa (f32x4.add (f32x4.mul (local.get $pa) (local.get $ra))
      (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $pb (f32x4.add (f32x4.mul (local.get $pb) (local.get $rb))
      (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; e^r = 1 + r + r²·p
    (local.set $pa (f32x4.add
      (f32x4.add (f32x4.mul (local.get $pa) (f32x4.mul (local.get $ra) (local.get $ra))) (local.get $ra))
      (v128.const f32x4 1 1 1 1)))
    (local.set $pb (f32x4.add
      (f32x4.add (f32x4.mul (local.get $pb) (f32x4.mul (local.get $rb) (local.get $rb))) (local.get $rb))
      (v128.const f32x4 1 1 1 1)))
    ;; · 2^n1 · 2^(n − n1), n1 = n >> 1, each built in the exponent bits
    (local.set $nia (i32x4.trunc_sat_f32x4_s (local.get $na)))
    (local.set $nib (i32x4.trunc_sat_f32x4_s (local.get $nb)))
    (local.set $n1a (i32x4.shr_s (local.get $nia) (i32.const 1)))
    (local.set $n1b (i32x4.shr_s (local.get $nib) (i32.const 1)))
    (local.set $pa (f32x4.mul (local.get $pa)
      (i32x4.shl (i32x4.add (local.get $n1a) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (local.set $pb (f32x4.mul (local.get $pb)
      (i32x4.shl (i32x4.add (local.get $n1b) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (local.set $pa (f32x4.mul (local.get $pa)
      (i32x4.shl (i32x4.add (i32x4.sub (local.get $nia) (local.get $n1a)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (local.set $pb (f32x4.mul (local.get $pb)
      (i32x4.shl (i32x4.add (i32x4.sub (local.get $nib) (local.get $n1b)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (v128.bitselect
      (v128.const f32x4 inf inf inf inf)
      (local.get $pa)
      (f32x4.gt (local.get $xa) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284)))
    (v128.bitselect
      (v128.const f32x4 inf inf inf inf)
      (local.get $pb)
      (f32x4.gt (local.get $xb) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))))

  ;; The four lanes summed in a fixed order: (l0 + l2) + (l1 + l3).
  (func $hsum (param $v v128) (result f32)
    (local.set $v (f32x4.add (local.get $v)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))
    (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v))))

  ;; Φ(z) = (1 + erf(z)) / 2 in four lanes, with W. J. Cody's rational approximations of erf/erfc (the ones
  ;; cpu/erf.ts uses, split at |z| = 0.5 and 4) evaluated in float32. Tails come from erfc directly, so Φ of a
  ;; very negative z keeps its relative precision (no 1 - (1 - ε) cancellation).
  (func $phi (param $z v128) (result v128)
    (local $az v128) (local $t v128) (local $e v128) (local $p v128) (local $q v128) (local $small v128)
    (local $mid v128) (local $zz v128) (local $erfc v128) (local $half v128)
    (local.set $az (f32x4.abs (local.get $z)))
    (local.set $t (f32x4.mul (local.get $z) (local.get $z)))
    ;; |z| < 0.5: erf = z·P(t)/Q(t)
    (local.set $p (f32x4.add (f32x4.mul (local.get $t) (v128.const f32x4 0.18577770618460315 0.18577770618460315 0.18577770618460315 0.18577770618460315))
      (v128.const f32x4 3.1611237438705655 3.1611237438705655 3.1611237438705655 3.1611237438705655)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 113.86415415105016 113.86415415105016 113.86415415105016 113.86415415105016)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 377.485237685302 377.485237685302 377.485237685302 377.485237685302)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 3209.3775891384694 3209.3775891384694 3209.3775891384694 3209.3775891384694)))
    (local.set $q (f32x4.add (local.get $t) (v128.const f32x4 23.601290952344122 23.601290952344122 23.601290952344122 23.601290952344122)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $t)) (v128.const f32x4 244.02463793444417 244.02463793444417 244.02463793444417 244.02463793444417)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $t)) (v128.const f32x4 1282.6165260773723 1282.6165260773723 1282.6165260773723 1282.6165260773723)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $t)) (v128.const f32x4 2844.236833439171 2844.236833439171 2844.236833439171 2844.236833439171)))
    (local.set $small (f32x4.add (v128.const f32x4 0.5 0.5 0.5 0.5)
      (f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5) (f32x4.div (f32x4.mul (local.get $z) (local.get $p)) (local.get $q)))))
    (local.set $e (call $exp (f32x4.neg (local.get $t))))
    ;; 0.5 ≤ |z| < 4: erfc = e^(-z²)·P(|z|)/Q(|z|)
    (local.set $p (f32x4.add (f32x4.mul (local.get $az) (v128.const f32x4 0.5641884969886701 0.5641884969886701 0.5641884969886701 0.5641884969886701))
      (v128.const f32x4 8.883149794388377 8.883149794388377 8.883149794388377 8.883149794388377)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $az)) (v128.const f32x4 66.11919063714163 66.11919063714163 66.11919063714163 66.11919063714163)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $az)) (v128.const f32x4 298.6351381974001 298.6351381974001 298.6351381974001 298.6351381974001)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $az)) (v128.const f32x4 881.952221241769 881.952221241769 881.952221241769 881.952221241769)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $az)) (v128.const f32x4 1712.0476126340707 1712.0476126340707 1712.0476126340707 1712.0476126340707)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $az)) (v128.const f32x4 2051.0783778260716 2051.0783778260716 2051.0783778260716 2051.0783778260716)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $az)) (v128.const f32x4 1230.3393547979972 1230.3393547979972 1230.3393547979972 1230.3393547979972)))
    (local.set $q (f32x4.add (local.get $az) (v128.const f32x4 15.744926110709835 15.744926110709835 15.744926110709835 15.744926110709835)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $az)) (v128.const f32x4 117.6939508913125 117.6939508913125 117.6939508913125 117.6939508913125)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $az)) (v128.const f32x4 537.1811018620099 537.1811018620099 537.1811018620099 537.1811018620099)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $az)) (v128.const f32x4 1621.3895745666903 1621.3895745666903 1621.3895745666903 1621.3895745666903)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $az)) (v128.const f32x4 3290.7992357334597 3290.7992357334597 3290.7992357334597 3290.7992357334597)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $az)) (v128.const f32x4 4362.619090143247 4362.619090143247 4362.619090143247 4362.619090143247)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $az)) (v128.const f32x4 3439.3676741437216 3439.3676741437216 3439.3676741437216 3439.3676741437216)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $az)) (v128.const f32x4 1230.3393548037495 1230.3393548037495 1230.3393548037495 1230.3393548037495)))
    (local.set $mid (f32x4.mul (local.get $e) (f32x4.div (local.get $p) (local.get $q))))
    ;; |z| ≥ 4: erfc = e^(-z²)/|z| · (1/√π − w·P(w)/Q(w)), w = 1/z²
    (local.set $zz (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $t)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $zz) (v128.const f32x4 0.016315387137302097 0.016315387137302097 0.016315387137302097 0.016315387137302097))
      (v128.const f32x4 0.30532663496123236 0.30532663496123236 0.30532663496123236 0.30532663496123236)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $zz)) (v128.const f32x4 0.36034489994980445 0.36034489994980445 0.36034489994980445 0.36034489994980445)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $zz)) (v128.const f32x4 0.12578172611122926 0.12578172611122926 0.12578172611122926 0.12578172611122926)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $zz)) (v128.const f32x4 0.016083785148742275 0.016083785148742275 0.016083785148742275 0.016083785148742275)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $zz)) (v128.const f32x4 0.0006587491615298378 0.0006587491615298378 0.0006587491615298378 0.0006587491615298378)))
    (local.set $q (f32x4.add (local.get $zz) (v128.const f32x4 2.568520192289822 2.568520192289822 2.568520192289822 2.568520192289822)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $zz)) (v128.const f32x4 1.8729528499234673 1.8729528499234673 1.8729528499234673 1.8729528499234673)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $zz)) (v128.const f32x4 0.5279051029514285 0.5279051029514285 0.5279051029514285 0.5279051029514285)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $zz)) (v128.const f32x4 0.06051834131244132 0.06051834131244132 0.06051834131244132 0.06051834131244132)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $zz)) (v128.const f32x4 0.0023352049762686918 0.0023352049762686918 0.0023352049762686918 0.0023352049762686918)))
    (local.set $erfc (f32x4.mul (f32x4.div (local.get $e) (local.get $az))
      (f32x4.sub (v128.const f32x4 0.5641895835477563 0.5641895835477563 0.5641895835477563 0.5641895835477563)
        (f32x4.div (f32x4.mul (local.get $zz) (local.get $p)) (local.get $q)))))
    (local.set $erfc (v128.bitselect (local.get $mid) (local.get $erfc)
      (f32x4.lt (local.get $az) (v128.const f32x4 4 4 4 4))))
    ;; Φ = erfc(|z|)/2 for z < 0, 1 − erfc(|z|)/2 for z > 0 (NaN falls through here and stays NaN)
    (local.set $half (f32x4.mul (local.get $erfc) (v128.const f32x4 0.5 0.5 0.5 0.5)))
    (local.set $half (v128.bitselect (local.get $half)
      (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $half))
      (f32x4.lt (local.get $z) (v128.const f32x4 0 0 0 0))))
    (v128.bitselect (local.get $small) (local.get $half)
      (f32x4.lt (local.get $az) (v128.const f32x4 0.5 0.5 0.5 0.5))))

  ;; σ(x) = 1 / (1 + e^−x) in four lanes, from t = e^−|x| (never overflows): 1/(1 + t) for x ≥ 0, t/(1 + t) below,
  ;; so σ of a very negative x keeps its relative precision.
  (func $sigmoid (param $x v128) (result v128)
    (local $t v128)
    (local.set $t (call $exp (f32x4.neg (f32x4.abs (local.get $x)))))
    (f32x4.div
      (v128.bitselect (local.get $t) (v128.const f32x4 1 1 1 1) (f32x4.lt (local.get $x) (v128.const f32x4 0 0 0 0)))
      (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $t))))

  ;; silu(x) = x·σ(x) in four lanes.
  (func $silu (param $x v128) (result v128)
    (f32x4.mul (local.get $x) (call $sigmoid (local.get $x))))

  ;; gelu in four lanes: approximate 0 → x·Φ(x/√2) (erf); 1 → GPT-2's tanh form, written as x·σ(2u) with
  ;; u = √(2/π)·(x + 0.044715·x³), since (1 + tanh u)/2 = σ(2u): no cancellation for negative x, and σ never
  ;; overflows (see $sigmoid).
  (func $gelu (param $x v128) (param $approximate i32) (result v128)
    (if (result v128) (local.get $approximate)
      (then
        (f32x4.mul (local.get $x)
          (call $sigmoid (f32x4.mul
            (v128.const f32x4 1.5957691216057308 1.5957691216057308 1.5957691216057308 1.5957691216057308)
            (f32x4.add (local.get $x)
              (f32x4.mul (v128.const f32x4 0.044715 0.044715 0.044715 0.044715)
                (f32x4.mul (local.get $x) (f32x4.mul (local.get $x) (local.get $x)))))))))
      (else
        (f32x4.mul (local.get $x)
          (call $phi (f32x4.mul (local.get $x)
            (v128.const f32x4 0.7071067811865476 0.7071067811865476 0.7071067811865476 0.7071067811865476)))))))

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
)
