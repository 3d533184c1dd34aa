/**
 * Counts the WebGL textures alive in a context by wrapping its createTexture/deleteTexture: the leak test
 * looks at what the GPU holds, not only at what the backend thinks it holds (gpu.js keeps one texture per
 * kernel for its own bookkeeping, and a texture it forgot would show up here).
 *
 * Opt-in (`createGpuBackend({ countGlTextures: true })`), and only on the context gpu.js creates itself:
 * a context the caller passes in is never patched.
 */
export class GlTextureCounter {
  #live = 0;
  readonly #ours = new WeakSet<object>();
  #attached: unknown = null;

  /** Wraps `context`'s texture functions (once). */
  attach(context: unknown): void {
    const gl = context as { createTexture?: () => object | null; deleteTexture?: (t: object | null) => void } | null;
    if (!gl || this.#attached === gl || typeof gl.createTexture !== 'function' || typeof gl.deleteTexture !== 'function') return;
    this.#attached = gl;
    const create = gl.createTexture.bind(gl);
    const remove = gl.deleteTexture.bind(gl);
    gl.createTexture = () => {
      const t = create();
      if (t) {
        this.#ours.add(t);
        this.#live++;
      }
      return t;
    };
    gl.deleteTexture = (t) => {
      if (t && this.#ours.has(t)) {
        this.#ours.delete(t);
        this.#live--;
      }
      remove(t);
    };
  }

  /** Textures created since `attach` and not yet deleted. */
  get live(): number {
    return this.#live;
  }
}
