/**
 * Node 20 cannot run the .ts worker directly, so pool tests bundle main/pool/worker.ts with vite
 * (SSR mode: node_modules stay external) into a fresh folder under .convlab-tmp/.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '../../..');

export async function buildPoolWorker(): Promise<string> {
  const base = join(root, '.convlab-tmp');
  mkdirSync(base, { recursive: true });
  const outDir = mkdtempSync(join(base, 'worker-'));
  process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
  await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      ssr: resolve(root, 'main/pool/worker.ts'),
      outDir,
      emptyOutDir: false,
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'pool-worker.js' } },
    },
  });
  return join(outDir, 'pool-worker.js');
}
