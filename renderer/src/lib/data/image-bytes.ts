/**
 * The contract's sample images (base64 HWC bytes, gray or RGB) as RGBA pixels for a canvas, and
 * small helpers for the dataset panel. Pure; no DOM.
 */
export interface ImageBytesLike {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: string;
}

export function base64Bytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** RGBA (width*height*4) for ImageData; throws when the byte count does not match the size. */
export function toRgba(img: ImageBytesLike): Uint8ClampedArray<ArrayBuffer> {
  const src = base64Bytes(img.pixels);
  const n = img.width * img.height;
  if (src.length !== n * img.channels) throw new Error(`image ${img.width}x${img.height}x${img.channels} needs ${n * img.channels} bytes, got ${src.length}`);
  const out = new Uint8ClampedArray(new ArrayBuffer(n * 4));
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    if (img.channels === 1) out[o] = out[o + 1] = out[o + 2] = src[i];
    else {
      out[o] = src[i * 3];
      out[o + 1] = src[i * 3 + 1];
      out[o + 2] = src[i * 3 + 2];
    }
    out[o + 3] = 255;
  }
  return out;
}

/** The spec for a user folder of a given kind: idx:/dir, cifar:/dir, folder:/dir. */
export function specFor(kind: 'idx' | 'cifar' | 'folder', dir: string): string {
  return `${kind}:${dir.trim()}`;
}

/** Bars for class counts: each class's share of the largest count (0..1). */
export function countBars(counts: readonly number[], names: readonly string[]): { name: string; count: number; share: number }[] {
  const max = Math.max(1, ...counts);
  return counts.map((count, i) => ({ name: names[i] ?? String(i), count, share: count / max }));
}
