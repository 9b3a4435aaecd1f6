/**
 * The lab jobs' tests need the pool worker next to the ORT training worker and the data-parallel
 * worker (they are found relative to the pool worker, as in out/main/), so this bundles all three
 * entries into one fresh folder under .convlab-tmp/ (vite SSR mode: node_modules stay external).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '../../..');

export async function buildLabWorkers(): Promise<string> {
  const base = join(root, '.convlab-tmp');
  mkdirSync(base, { recursive: true });
  const outDir = mkdtempSync(join(base, 'lab-workers-'));
  process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
  await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      ssr: true,
      outDir,
      emptyOutDir: false,
      minify: false,
      rollupOptions: {
        input: {
          'pool-worker': resolve(root, 'main/pool/worker.ts'),
          'ort-train-worker': resolve(root, 'main/train/ort-backend-worker.ts'),
          'train-worker': resolve(root, 'main/train/worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  });
  return join(outDir, 'pool-worker.js');
}
