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
    const p = ((((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947);
    const q = ((((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062);
    return (x * p) / q;
  }
  if (ax >= 6) return x > 0 ? 1 : -1;
  return x > 0 ? 1 - erfcPositive(ax) : erfcPositive(ax) - 1;
}

/** erfc(x) for x ≥ 0.5 (Cody). */
function erfcPositive(x: number): number {
  if (x < 4) {
    const p = (((((((5.64188496988670089e-1 * x + 8.88314979438837594) * x + 66.1191906371416295) * x + 298.635138197400131) * x + 881.952221241769090) * x + 1712.04761263407058) * x + 2051.07837782607147) * x + 1230.33935479799725);
    const q = (((((((x + 15.7449261107098347) * x + 117.693950891312499) * x + 537.181101862009858) * x + 1621.38957456669019) * x + 3290.79923573345963) * x + 4362.61909014324716) * x + 3439.36767414372164) * x + 1230.33935480374942;
    return Math.exp(-x * x) * (p / q);
  }
  const z = 1 / (x * x);
  const p = ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z + 3.60344899949804439e-1) * z + 1.25781726111229246e-1) * z + 1.60837851487422766e-2) * z + 6.58749161529837803e-4;
  const q = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 5.27905102951428412e-1) * z + 6.05183413124413191e-2) * z + 2.33520497626869185e-3;
  return (Math.exp(-x * x) / x) * (1 / Math.sqrt(Math.PI) - (z * p) / q);
}
