;; A part of kernels.wat, the CPU backend's float32 module: shared math: e^x, Φ, σ, SiLU and GELU in four lanes, the horizontal sum.
;; scripts/wat-source.mjs puts it in place of its `;; include kernels/math.wat` line; the rules every kernel
;; keeps are in kernels.wat's header.
  ;; ---------------------------------------------------------------------------------------------------------
  ;; Shared math
  ;; ---------------------------------------------------------------------------------------------------------

  ;; e^x in four lanes, relative error < 1e-7 where e^x is a normal float: Cody–Waite reduction x = n·ln2 + r
  ;; with ln2 in two parts, |r| ≤ ln2/2, then the degree-7 minimax polynomial of Cephes' expf, scaled by 2^n as
  ;; 2^(n/2)·2^(n − n/2) so that both factors stay normal floats over the whole range: x > 88.72 gives +inf,
  ;; subnormal results are kept (to a rounding), x below -104 gives 0, NaN stays NaN.
  ;; The clamp is pmin/pmax (one instruction each on x64; min/max take several for their NaN and ±0 rules):
  ;; pmin(x, c) and pmax(x, c) return x when x is NaN, and the constants are neither NaN nor 0, so every result
  ;; is the same as with min/max, bit for bit (a NaN may carry another payload: it is still NaN).
  (func $exp (param $x v128) (result v128)
    (local $r v128) (local $n v128) (local $p v128) (local $ni v128) (local $n1 v128)
    (local.set $r (f32x4.pmax
      (f32x4.pmin (local.get $x) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))
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
    (local.set $ra (f32x4.pmax
      (f32x4.pmin (local.get $xa) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))
      (v128.const f32x4 -104 -104 -104 -104)))
    (local.set $rb (f32x4.pmax
      (f32x4.pmin (local.get $xb) (v128.const f32x4 88.72284 88.72284 88.72284 88.72284))
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
