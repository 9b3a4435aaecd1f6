/**
 * Node 20 cannot run .ts workers, so tests bundle the worker entries with vite (SSR mode:
 * node_modules stay external) into a fresh folder under .convlab-tmp/, side by side as in
 * out/main/ (the pool worker finds the training workers next to itself).
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '../../..');

const ENTRIES = {
  'pool-worker': 'main/pool/worker.ts',
  'train-worker': 'main/train/worker.ts',
  'ort-train-worker': 'main/train/ort-backend-worker.ts',
} as const;

export type WorkerName = keyof typeof ENTRIES;

/** Bundles the named workers into one new folder; returns each bundle's path. */
export async function bundleWorkers(names: readonly WorkerName[]): Promise<Record<WorkerName, string>> {
  const base = join(root, '.convlab-tmp');
  mkdirSync(base, { recursive: true });
  const outDir = mkdtempSync(join(base, 'workers-'));
  process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const input = Object.fromEntries(names.map((n) => [n, resolve(root, ENTRIES[n])]));
  await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      ssr: true,
      outDir,
      emptyOutDir: false,
      minify: false,
      rollupOptions: { input, output: { format: 'es', entryFileNames: '[name].js' } },
    },
  });
  const paths = {} as Record<WorkerName, string>;
  for (const n of Object.keys(ENTRIES) as WorkerName[]) paths[n] = join(outDir, `${n}.js`);
  return paths;
}

export async function buildPoolWorker(): Promise<string> {
  return (await bundleWorkers(['pool-worker']))['pool-worker'];
}

export async function buildTrainWorker(): Promise<string> {
  return (await bundleWorkers(['train-worker']))['train-worker'];
}

export async function buildOrtTrainWorker(): Promise<string> {
  return (await bundleWorkers(['ort-train-worker']))['ort-train-worker'];
}

/** The pool worker with both training workers beside it (lab job tests); returns the pool worker. */
export async function buildLabWorkers(): Promise<string> {
  return (await bundleWorkers(['pool-worker', 'ort-train-worker', 'train-worker']))['pool-worker'];
}
