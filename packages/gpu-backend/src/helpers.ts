/**
 * Functions every kernel may call. Integer division and modulo are native GLSL on the GL modes: gpu.js
 * compiles JavaScript's `/` to a float division (`this.thread.x / 3` is 0.333… of a float), and a float
 * quotient of two large integers can land just below a whole number, so `Math.floor(i / n)` is off by one
 * at some indices (see gpu.js' `fixIntegerDivisionAccuracy`). GLSL `int / int` is exact. In gpu.js' cpu
 * mode the same names are plain JavaScript.
 */

/** GLSL sources of the native helpers (GL modes). */
export const nativeHelpers: readonly { name: string; source: string }[] = [
  { name: 'idiv', source: 'int idiv(int a, int b) { return a / b; }' },
  { name: 'imod', source: 'int imod(int a, int b) { return a - (a / b) * b; }' },
  // NOTE: ids and int32 values are stored as floats; round before indexing so 2.9999998 reads row 3.
  { name: 'toInt', source: 'int toInt(float x) { return int(floor(x + 0.5)); }' },
  { name: 'minInt', source: 'int minInt(int a, int b) { return a < b ? a : b; }' },
];

/** JavaScript versions of the native helpers, for gpu.js' cpu mode. */
export const jsHelpers: readonly string[] = [
  'function idiv(a, b) { return Math.floor(a / b); }',
  'function imod(a, b) { return a - Math.floor(a / b) * b; }',
  'function toInt(x) { return Math.floor(x + 0.5); }',
  'function minInt(a, b) { return a < b ? a : b; }',
];

/**
 * Float helpers written in the kernel language (gpu.js translates them for every mode).
 * `tkErf`: W. J. Cody's rational approximations, as the CPU backend's erf. `tkTanh`: exp(2x) overflows to
 * Infinity for x > 44 and gpu.js' own tanh then returns Infinity/Infinity = NaN; this form stays finite.
 */
export const floatHelpers: readonly string[] = [
  `function tkTanh(x) {
    const e = Math.exp(-2.0 * Math.abs(x));
    const t = (1.0 - e) / (1.0 + e);
    if (x < 0.0) { return -t; }
    return t;
  }`,
  `function tkErf(x) {
    const ax = Math.abs(x);
    if (ax < 0.5) {
      const t = x * x;
      const p = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
      const q = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
      return (x * p) / q;
    }
    if (ax >= 6.0) {
      if (x > 0.0) { return 1.0; }
      return -1.0;
    }
    let erfc = 0.0;
    if (ax < 4.0) {
      const p = ((((((0.564188496988670089 * ax + 8.88314979438837594) * ax + 66.1191906371416295) * ax + 298.635138197400131) * ax + 881.952221241769090) * ax + 1712.04761263407058) * ax + 2051.07837782607147) * ax + 1230.33935479799725;
      const q = (((((((ax + 15.7449261107098347) * ax + 117.693950891312499) * ax + 537.181101862009858) * ax + 1621.38957456669019) * ax + 3290.79923573345963) * ax + 4362.61909014324716) * ax + 3439.36767414372164) * ax + 1230.33935480374942;
      erfc = Math.exp(-ax * ax) * (p / q);
    } else {
      const z = 1.0 / (ax * ax);
      const p = ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z + 0.125781726111229246) * z + 0.0160837851487422766) * z + 0.000658749161529837803;
      const q = ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 0.527905102951428412) * z + 0.0605183413124413191) * z + 0.00233520497626869185;
      erfc = (Math.exp(-ax * ax) / ax) * (0.564189583547756287 - (z * p) / q);
    }
    if (x > 0.0) { return 1.0 - erfc; }
    return erfc - 1.0;
  }`,
  `function tkPow(x, y) {
    if (y === 0.0) { return 1.0; }
    if (x === 0.0) {
      if (y > 0.0) { return 0.0; }
      return 1.0 / Math.abs(x);
    }
    const r = Math.pow(Math.abs(x), y);
    if (x < 0.0) {
      if (Math.floor(y) !== y) { return Math.sqrt(x); }
      if (Math.floor(y * 0.5) * 2.0 !== y) { return -r; }
    }
    return r;
  }`,
];
