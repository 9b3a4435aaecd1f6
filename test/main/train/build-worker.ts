/** Node 20 cannot run the .ts worker, so the tests bundle main/train/worker.ts with vite into .convlab-tmp/. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '../../..');

export async function buildTrainWorker(): Promise<string> {
  const base = join(root, '.convlab-tmp');
  mkdirSync(base, { recursive: true });
  const outDir = mkdtempSync(join(base, 'train-worker-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      ssr: resolve(root, 'main/train/worker.ts'),
      outDir,
      emptyOutDir: false,
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'train-worker.js' } },
    },
  });
  return join(outDir, 'train-worker.js');
}
