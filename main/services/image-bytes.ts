/**
 * Float samples and activations to small byte images for the UI (base64 HWC bytes, 1 or 3
 * channels), shared by dataset previews and feature maps.
 */
import type { Dataset } from '../../core/index';

export interface ImageBytes {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: string;
}

/** One sample of a dataset as bytes: values in [0, 1] scaled to 0..255; 3 channels stay RGB, others show channel 0. */
export function sampleImage(ds: Dataset, index: number): ImageBytes {
  const shape = ds.sampleShape;
  if (shape.length < 2) throw new Error(`dataset "${ds.name}": samples of shape [${shape.join(', ')}] are not images`);
  const h = shape.length >= 3 ? shape[shape.length - 2] : 1;
  const w = shape[shape.length - 1];
  const c = shape.length >= 3 ? shape[0] : 1;
  const per = shape.reduce((a, b) => a * b, 1);
  const base = index * per;
  const channels: 1 | 3 = c === 3 && shape.length === 3 ? 3 : 1;
  const out = new Uint8Array(h * w * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < channels; k++) {
        const v = ds.samples[base + k * h * w + y * w + x];
        out[(y * w + x) * channels + k] = Math.max(0, Math.min(255, Math.round(v * 255)));
      }
    }
  }
  return { width: w, height: h, channels, pixels: Buffer.from(out).toString('base64') };
}

/**
 * One H x W map, average-downsampled so neither side exceeds maxSize, scaled to 0..255 by its
 * own min/max (a constant map is all zeros).
 */
export function mapImage(data: Float32Array, offset: number, h: number, w: number, maxSize: number): ImageBytes & { min: number; max: number } {
  const f = Math.max(1, Math.ceil(Math.max(h, w) / maxSize));
  const oh = Math.ceil(h / f);
  const ow = Math.ceil(w / f);
  const pooled = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = 0; dy < f && y * f + dy < h; dy++) {
        for (let dx = 0; dx < f && x * f + dx < w; dx++) {
          sum += data[offset + (y * f + dy) * w + x * f + dx];
          n++;
        }
      }
      pooled[y * ow + x] = sum / n;
    }
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of pooled) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const span = max - min;
  const bytes = new Uint8Array(pooled.length);
  if (span > 0) for (let i = 0; i < pooled.length; i++) bytes[i] = Math.round(((pooled[i] - min) / span) * 255);
  return { width: ow, height: oh, channels: 1, pixels: Buffer.from(bytes).toString('base64'), min, max };
}
