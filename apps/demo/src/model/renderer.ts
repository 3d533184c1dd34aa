/**
 * What draws this browser's WebGL: the unmasked renderer string (WEBGL_debug_renderer_info) and whether it is
 * a software rasteriser. On SwiftShader, llvmpipe or a "Basic Render Driver" the GPU backend runs shaders on
 * the CPU, an order of magnitude slower than the CPU backend, so the page defaults to the CPU there.
 */
export interface RendererInfo {
  webgl2: boolean;
  renderer: string;
  software: boolean;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render driver|microsoft basic|mesa offscreen/i;

/** Probes a throwaway WebGL2 context once. */
export function detectRenderer(): RendererInfo {
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = document.createElement('canvas').getContext('webgl2');
  } catch {
    gl = null;
  }
  if (!gl) return { webgl2: false, renderer: 'no WebGL2', software: false };
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { webgl2: true, renderer, software: SOFTWARE.test(renderer) };
}
