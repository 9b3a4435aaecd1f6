/** Files of a training run directory, written atomically (temp file + rename) so a crash never leaves half a file. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../core/index';

export const CHECKPOINT_FILE = 'checkpoint.clck';
export const MODEL_FILE = 'model.json';
export const METRICS_FILE = 'metrics.json';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function saveCheckpointFile(dir: string, cp: Checkpoint): void {
  writeFileAtomic(join(dir, CHECKPOINT_FILE), encodeCheckpoint(cp));
}

export function loadCheckpointFile(dir: string): Checkpoint | undefined {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return decodeCheckpoint(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
