/**
 * An image folder with one sub-folder per class (root/cat/*.png, root/dog/*.jpg). PNG through
 * fast-png (8/16-bit, gray, gray+alpha, RGB, RGBA, palette), JPEG through jpeg-js. Every image
 * is resampled (nearest neighbour) to one size — the first image's unless given — and stored
 * as 1 channel when all images are grayscale, else 3 (alpha is dropped); values in [0, 1].
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { createDataset, type Dataset } from '../../core/index';

export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3;
  /** HWC values in [0, 1]. */
  data: Float32Array;
}

const EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.png') {
      const png = decodePng(bytes);
      let data = png.data;
      let channels = png.channels;
      if (png.palette) {
        data = convertIndexedToRgb(png);
        channels = png.palette[0]?.length ?? 3;
      }
      const max = png.depth === 16 ? 65535 : 255;
      const color = channels >= 3;
      const out = new Float32Array(png.width * png.height * (color ? 3 : 1));
      for (let p = 0; p < png.width * png.height; p++) {
        if (color) for (let c = 0; c < 3; c++) out[p * 3 + c] = data[p * channels + c] / max;
        else out[p] = data[p * channels] / max;
      }
      return { width: png.width, height: png.height, channels: color ? 3 : 1, data: out };
    }
    if (ext === '.jpg' || ext === '.jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 512 });
      return { width: img.width, height: img.height, channels: 3, data: Float32Array.from(img.data, (v) => v / 255) };
    }
  } catch (e) {
    throw new Error(`${file}: cannot decode ${ext.slice(1).toUpperCase()} (${e instanceof Error ? e.message : String(e)})`);
  }
  throw new Error(`${file}: unsupported image type "${ext}" (PNG or JPEG)`);
}

/** Nearest-neighbour resample into CHW with the given channel count (gray -> RGB repeats). */
function toChw(img: DecodedImage, h: number, w: number, channels: 1 | 3, out: Float32Array, offset: number): void {
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / w));
      const p = sy * img.width + sx;
      for (let c = 0; c < channels; c++) {
        out[offset + c * h * w + y * w + x] = img.channels === 1 ? img.data[p] : img.data[p * 3 + c];
      }
    }
  }
}

export function loadImageFolder(root: string, size?: { height: number; width: number }): Dataset {
  const classes = readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory())
    .sort();
  if (classes.length === 0) throw new Error(`image folder ${root}: no class sub-folders (expected root/<class>/<image>.png|jpg)`);
  const images: { img: DecodedImage; label: number }[] = [];
  classes.forEach((cls, label) => {
    const files = readdirSync(join(root, cls))
      .filter((f) => EXTENSIONS.has(extname(f).toLowerCase()))
      .sort();
    for (const f of files) {
      const path = join(root, cls, f);
      images.push({ img: decodeImage(readFileSync(path), path), label });
    }
  });
  if (images.length === 0) throw new Error(`image folder ${root}: no PNG or JPEG files in ${classes.join(', ')}`);
  const h = size?.height ?? images[0].img.height;
  const w = size?.width ?? images[0].img.width;
  const channels: 1 | 3 = images.every((i) => i.img.channels === 1) ? 1 : 3;
  const per = channels * h * w;
  const samples = new Float32Array(images.length * per);
  images.forEach((item, i) => toChw(item.img, h, w, channels, samples, i * per));
  return createDataset({ name: `folder:${root}`, sampleShape: [channels, h, w], classNames: classes, samples, labels: images.map((i) => i.label) });
}
