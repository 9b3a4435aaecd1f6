/**
 * im2col / col2im for 1-, 2- and 3-d windows, all handled as 3-d (missing leading axes have size
 * 1, kernel 1, stride 1, no pad). Rows of the column matrix are (c, kd, kh, kw) in weight order;
 * columns are (image, od, oh, ow), so several images of a batch go into one wide matrix.
 * Positions outside the input read as zero (zero padding) and are skipped by col2im; only the
 * begin pads matter here, the end pads are already folded into the output sizes.
 */

export interface Geom3 {
  /** Channels covered by one im2col (a group's channels). */
  c: number;
  inD: number;
  inH: number;
  inW: number;
  outD: number;
  outH: number;
  outW: number;
  kD: number;
  kH: number;
  kW: number;
  sD: number;
  sH: number;
  sW: number;
  dD: number;
  dH: number;
  dW: number;
  pD: number;
  pH: number;
  pW: number;
}

/** Builds a Geom3 from per-axis lists of rank 1..3 (left-padded to 3 axes). */
export function makeGeom3(
  c: number,
  inDims: readonly number[],
  outDims: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
  padBegin: readonly number[],
): Geom3 {
  const r = inDims.length;
  const at = (xs: readonly number[], axis: number, fill: number): number => (axis < 3 - r ? fill : xs[axis - (3 - r)]);
  return {
    c,
    inD: at(inDims, 0, 1), inH: at(inDims, 1, 1), inW: at(inDims, 2, 1),
    outD: at(outDims, 0, 1), outH: at(outDims, 1, 1), outW: at(outDims, 2, 1),
    kD: at(kernel, 0, 1), kH: at(kernel, 1, 1), kW: at(kernel, 2, 1),
    sD: at(stride, 0, 1), sH: at(stride, 1, 1), sW: at(stride, 2, 1),
    dD: at(dilation, 0, 1), dH: at(dilation, 1, 1), dW: at(dilation, 2, 1),
    pD: at(padBegin, 0, 0), pH: at(padBegin, 1, 0), pW: at(padBegin, 2, 0),
  };
}

/** First and one-past-last output index whose input index o*s - p + off lies in [0, size). */
export function validRange(out: number, size: number, s: number, p: number, off: number): [number, number] {
  const lo = Math.max(0, Math.ceil((p - off) / s));
  const hi = Math.min(out, Math.floor((size - 1 + p - off) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Writes cols[row * ld + img * outSize + o] for `images` images; image i's channel block starts
 * at x[xOff + i * imgStride]. ld >= images * outSize.
 */
export function im2col(x: Float32Array, xOff: number, imgStride: number, images: number, g: Geom3, cols: Float32Array, ld: number): void {
  const inHW = g.inH * g.inW;
  const inSize = g.inD * inHW;
  const outSize = g.outD * g.outH * g.outW;
  let row = 0;
  for (let c = 0; c < g.c; c++) {
    for (let kd = 0; kd < g.kD; kd++) {
      for (let kh = 0; kh < g.kH; kh++) {
        for (let kw = 0; kw < g.kW; kw++, row++) {
          const [wLo, wHi] = validRange(g.outW, g.inW, g.sW, g.pW, kw * g.dW);
          const wBase = wLo * g.sW - g.pW + kw * g.dW;
          for (let img = 0; img < images; img++) {
            const src = xOff + img * imgStride + c * inSize;
            let d = row * ld + img * outSize;
            for (let od = 0; od < g.outD; od++) {
              const id = od * g.sD - g.pD + kd * g.dD;
              const dOk = id >= 0 && id < g.inD;
              for (let oh = 0; oh < g.outH; oh++, d += g.outW) {
                const ih = oh * g.sH - g.pH + kh * g.dH;
                if (!dOk || ih < 0 || ih >= g.inH) {
                  for (let t = 0; t < g.outW; t++) cols[d + t] = 0;
                  continue;
                }
                for (let t = 0; t < wLo; t++) cols[d + t] = 0;
                let s = src + id * inHW + ih * g.inW + wBase;
                if (g.sW === 1) {
                  for (let ow = wLo; ow < wHi; ow++, s++) cols[d + ow] = x[s];
                } else {
                  for (let ow = wLo; ow < wHi; ow++, s += g.sW) cols[d + ow] = x[s];
                }
                for (let t = wHi; t < g.outW; t++) cols[d + t] = 0;
              }
            }
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: dx[...] += cols[...] for every in-bounds position. */
export function col2im(cols: Float32Array, ld: number, images: number, g: Geom3, dx: Float32Array, xOff: number, imgStride: number): void {
  const inHW = g.inH * g.inW;
  const inSize = g.inD * inHW;
  const outSize = g.outD * g.outH * g.outW;
  let row = 0;
  for (let c = 0; c < g.c; c++) {
    for (let kd = 0; kd < g.kD; kd++) {
      for (let kh = 0; kh < g.kH; kh++) {
        for (let kw = 0; kw < g.kW; kw++, row++) {
          const [wLo, wHi] = validRange(g.outW, g.inW, g.sW, g.pW, kw * g.dW);
          const wBase = wLo * g.sW - g.pW + kw * g.dW;
          for (let img = 0; img < images; img++) {
            const dst = xOff + img * imgStride + c * inSize;
            let d = row * ld + img * outSize;
            for (let od = 0; od < g.outD; od++) {
              const id = od * g.sD - g.pD + kd * g.dD;
              const dOk = id >= 0 && id < g.inD;
              for (let oh = 0; oh < g.outH; oh++, d += g.outW) {
                const ih = oh * g.sH - g.pH + kh * g.dH;
                if (!dOk || ih < 0 || ih >= g.inH) continue;
                let s = dst + id * inHW + ih * g.inW + wBase;
                for (let ow = wLo; ow < wHi; ow++, s += g.sW) dx[s] += cols[d + ow];
              }
            }
          }
        }
      }
    }
  }
}

const pool = new Map<string, Float32Array>();

/**
 * A reusable scratch buffer of at least n floats, keyed by purpose. Contents are garbage; never
 * return a scratch buffer (or a view of it) as an op output.
 */
export function scratch(key: string, n: number): Float32Array {
  let buf = pool.get(key);
  if (!buf || buf.length < n) {
    buf = new Float32Array(Math.max(n, Math.ceil((buf?.length ?? 0) * 1.5)));
    pool.set(key, buf);
  }
  return buf;
}
