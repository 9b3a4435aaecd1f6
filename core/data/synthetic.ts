/**
 * Synthetic datasets for what cannot be bundled, all seeded and pure:
 *  - movingShapes: short clips [1, frames, size, size] of a square or disc crossing the frame; the
 *    class is the direction of motion, so only a model that looks across frames (Conv3D) can tell.
 *  - voxelShapes: volumes [1, size, size, size] holding a cube, a sphere or a cylinder of random
 *    size and position, with a little noise.
 */
import { Rng } from '../tensor/rng';
import { createDataset, type Dataset } from './dataset';

export const DIRECTIONS = ['right', 'left', 'down', 'up'] as const;

export interface ClipOptions {
  count: number;
  frames?: number;
  size?: number;
  seed: number;
  /** Gaussian pixel noise (std). Default 0.05. */
  noise?: number;
}

export function movingShapes(o: ClipOptions): Dataset {
  const frames = o.frames ?? 8;
  const size = o.size ?? 16;
  const noise = o.noise ?? 0.05;
  if (frames < 2 || size < 6) throw new Error(`movingShapes: need at least 2 frames of 6x6, got ${frames} of ${size}x${size}`);
  const rng = new Rng(o.seed);
  const per = frames * size * size;
  const samples = new Float32Array(o.count * per);
  const labels = new Int32Array(o.count);
  for (let n = 0; n < o.count; n++) {
    const dir = n % DIRECTIONS.length;
    labels[n] = dir;
    const r = 1 + rng.int(2); // half-size 1..2
    const disc = rng.next() < 0.5;
    const speed = 1 + rng.next();
    const travel = speed * (frames - 1);
    // Start so the whole path stays inside the frame along the motion axis.
    const along0 = r + rng.next() * Math.max(0, size - 1 - 2 * r - travel);
    const across = r + rng.next() * (size - 1 - 2 * r);
    const sign = dir === 1 || dir === 3 ? -1 : 1;
    const start = sign > 0 ? along0 : size - 1 - along0;
    for (let f = 0; f < frames; f++) {
      const along = start + sign * speed * f;
      const cx = dir < 2 ? along : across;
      const cy = dir < 2 ? across : along;
      const base = n * per + f * size * size;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const dx = x - cx;
          const dy = y - cy;
          const inside = disc ? dx * dx + dy * dy <= (r + 0.5) * (r + 0.5) : Math.abs(dx) <= r + 0.5 && Math.abs(dy) <= r + 0.5;
          samples[base + y * size + x] = (inside ? 1 : 0) + noise * rng.normal();
        }
      }
    }
  }
  return createDataset({ name: 'moving-shapes', sampleShape: [1, frames, size, size], classNames: [...DIRECTIONS], samples, labels });
}

export const VOXEL_CLASSES = ['cube', 'sphere', 'cylinder'] as const;

export interface VoxelOptions {
  count: number;
  size?: number;
  seed: number;
  noise?: number;
}

export function voxelShapes(o: VoxelOptions): Dataset {
  const s = o.size ?? 12;
  const noise = o.noise ?? 0.05;
  if (s < 6) throw new Error(`voxelShapes: size must be >= 6, got ${s}`);
  const rng = new Rng(o.seed);
  const per = s * s * s;
  const samples = new Float32Array(o.count * per);
  const labels = new Int32Array(o.count);
  for (let n = 0; n < o.count; n++) {
    const kind = n % VOXEL_CLASSES.length;
    labels[n] = kind;
    const r = s / 5 + rng.next() * (s / 6);
    const c = [0, 0, 0].map(() => r + rng.next() * (s - 1 - 2 * r));
    for (let z = 0; z < s; z++) {
      for (let y = 0; y < s; y++) {
        for (let x = 0; x < s; x++) {
          const dz = z - c[0];
          const dy = y - c[1];
          const dx = x - c[2];
          let inside: boolean;
          if (kind === 0) inside = Math.max(Math.abs(dx), Math.abs(dy), Math.abs(dz)) <= r;
          else if (kind === 1) inside = dx * dx + dy * dy + dz * dz <= r * r;
          else inside = dx * dx + dy * dy <= r * r && Math.abs(dz) <= r; // axis along depth
          samples[n * per + (z * s + y) * s + x] = (inside ? 1 : 0) + noise * rng.normal();
        }
      }
    }
  }
  return createDataset({ name: 'voxel-shapes', sampleShape: [1, s, s, s], classNames: [...VOXEL_CLASSES], samples, labels });
}
