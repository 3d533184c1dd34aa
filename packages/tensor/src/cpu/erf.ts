/**
 * The error function, to float32 precision (|error| < 1.2e-7): W. J. Cody's rational approximations
 * as used by many libm implementations, split at |x| = 0.5 and 4. GELU (exact) is built on it.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.5) {
    // erf(x) = x * P(x²)/Q(x²)
    const t = x * x;
    const p = ((((0.18577770618460315 * t + 3.1611237438705655) * t + 113.86415415105016) * t + 377.485237685302) * t + 3209.3775891384694);
    const q = ((((t + 23.601290952344122) * t + 244.02463793444417) * t + 1282.6165260773723) * t + 2844.236833439171);
    return (x * p) / q;
  }
  if (ax >= 6) return x > 0 ? 1 : -1;
  return x > 0 ? 1 - erfcPositive(ax) : erfcPositive(ax) - 1;
}

/** erfc(x) for x ≥ 0.5 (Cody). */
function erfcPositive(x: number): number {
  if (x < 4) {
    const p = (((((((0.5641884969886701 * x + 8.883149794388377) * x + 66.11919063714163) * x + 298.6351381974001) * x + 881.952221241769) * x + 1712.0476126340707) * x + 2051.0783778260716) * x + 1230.3393547979972);
    const q = (((((((x + 15.744926110709835) * x + 117.6939508913125) * x + 537.1811018620099) * x + 1621.3895745666903) * x + 3290.7992357334597) * x + 4362.619090143247) * x + 3439.3676741437216) * x + 1230.3393548037495;
    return Math.exp(-x * x) * (p / q);
  }
  const z = 1 / (x * x);
  const p = ((((0.016315387137302097 * z + 0.30532663496123236) * z + 0.36034489994980445) * z + 0.12578172611122926) * z + 0.016083785148742275) * z + 0.0006587491615298378;
  const q = ((((z + 2.568520192289822) * z + 1.8729528499234673) * z + 0.5279051029514285) * z + 0.06051834131244132) * z + 0.0023352049762686918;
  return (Math.exp(-x * x) / x) * (1 / Math.sqrt(Math.PI) - (z * p) / q);
}
