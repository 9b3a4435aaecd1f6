/**
 * The lab's project.* and dataset.* methods through the contract's dispatcher (validation on
 * arrival included), on real files in temp dirs and the bundled MNIST digits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/contract/dispatch';
import type { MethodName, ResponseMessage } from '../../../main/contract/types';
import { closeApp, createApp, createHandlers, type AppContext } from '../../../main/services/index';

let dir = '';
let app: AppContext;
let handlers: ReturnType<typeof createHandlers>;
const saved = { ...process.env };
let nextId = 1;

beforeAll(() => {
  // No job runs in this file: the pool never starts a thread, so no worker bundle is needed.
  app = createApp({ workerFile: join(tmpdir(), 'no-worker.js') });
  handlers = createHandlers(app, 'test');
});
afterAll(async () => {
  process.env = { ...saved };
  await closeApp(app);
});
beforeEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'convlab-lab-'));
  process.env.CONVLAB_CONFIG_DIR = join(dir, 'config');
  process.env.CONVLAB_PROJECTS_DIR = join(dir, 'ConvLab');
});

async function call(method: MethodName, params: unknown): Promise<ResponseMessage> {
  return dispatch(handlers, { type: 'request', id: nextId++, method, params });
}

async function ok(method: MethodName, params: unknown): Promise<Record<string, unknown>> {
  const r = await call(method, params);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
  const v: unknown = r.result;
  if (typeof v !== 'object' || v === null) throw new Error(`${method}: not an object`);
  return Object.fromEntries(Object.entries(v));
}

function idx(magic: number, dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

describe('project methods', () => {
  it('first run gives the LeNet-5 / MNIST project once; after a save, startup reopens the recent project', async () => {
    const first = await ok('project.startup', {});
    expect(first.firstRun).toBe(true);
    expect(first.path).toBeNull();
    const project = first.project as { name: string; model: { name: string }; dataset: { spec: string } };
    expect(project.model.name).toBe('lenet5');
    expect(project.dataset.spec).toBe('mnist');
    expect((await ok('project.startup', {})).firstRun).toBe(false);
    const file = join(dir, 'ConvLab', 'mine.convlab');
    const s = await ok('project.saveAs', { path: file, project: { ...first.project as object, name: 'mine' } });
    expect(s.path).toBe(file);
    const again = await ok('project.startup', {});
    expect(again.path).toBe(file);
    expect((again.project as { name: string }).name).toBe('mine');
    const list = await ok('project.list', {});
    expect((list.entries as { file: string }[]).map((e) => e.file)).toEqual(['mine.convlab']);
    const recent = await call('project.recent', {});
    expect(recent.ok && recent.result).toEqual([expect.objectContaining({ path: file, name: 'mine', exists: true })]);
  });

  it('a corrupt project is refused with the reason; malformed params never reach the service', async () => {
    const file = join(dir, 'broken.convlab');
    writeFileSync(file, '{"format":"convlab-project","version":1,');
    const r = await call('project.open', { path: file });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('failed');
      expect(r.error.message).toMatch(/broken\.convlab: not valid JSON/);
    }
    const bad = await call('project.save', { path: file, project: { format: 'convlab-project' } });
    expect(!bad.ok && bad.error.code).toBe('invalid-params');
    const exists = await call('project.saveAs', { path: file, project: (await ok('project.new', {})).project });
    expect(!exists.ok && exists.error.message).toMatch(/already exists/);
  });

  it('project.new takes a template and a dataset; autosave/recovery round trip for an untitled project', async () => {
    const n = await ok('project.new', { template: 'resnet8', dataset: 'cifar:/data/cifar' });
    const p = n.project as { model: { name: string }; dataset: { spec: string } };
    expect(p.model.name).toBe('resnet8');
    expect(p.dataset.spec).toBe('cifar:/data/cifar');
    await ok('project.autosave', { path: null, project: n.project });
    const rec = await ok('project.recovery', { path: null });
    expect((rec.project as { model: { name: string } }).model.name).toBe('resnet8');
    expect((await ok('project.discardRecovery', { path: null })).removed).toBe(true);
    const unknown = await call('project.new', { template: 'no-such-template' });
    expect(unknown.ok).toBe(false);
  });
});

describe('dataset methods', () => {
  it('previews the bundled MNIST: bytes per sample, labels, split sizes and class counts', async () => {
    const r = await ok('dataset.preview', { spec: 'mnist', split: 'test', count: 8 });
    expect(r.sizes).toEqual({ train: 8000, val: 1000, test: 1000 });
    expect(r.sampleShape).toEqual([1, 28, 28]);
    const samples = r.samples as { width: number; height: number; channels: number; pixels: string; label: number }[];
    expect(samples).toHaveLength(8);
    for (const s of samples) {
      const bytes = Buffer.from(s.pixels, 'base64');
      expect([s.width, s.height, s.channels, bytes.length]).toEqual([28, 28, 1, 784]);
      expect(Math.max(...bytes)).toBeGreaterThan(200); // ink
      expect(s.label).toBeGreaterThanOrEqual(0);
      expect(s.label).toBeLessThan(10);
    }
    const counts = r.classCounts as number[];
    expect(counts).toHaveLength(10);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.min(...counts)).toBeGreaterThan(50);
    const list = await call('dataset.list', {});
    expect(list.ok && (list.result as { spec: string; builtin: boolean }[])[0]).toMatchObject({ spec: 'mnist', builtin: true });
  });

  it('adds an IDX folder (checked by loading), lists it, previews it, removes it', async () => {
    const d = join(dir, 'idx');
    mkdirSync(d);
    const n = 20;
    const pixels = Array.from({ length: n * 4 * 5 }, (_, i) => (i * 37) % 256);
    writeFileSync(join(d, 'train-images-idx3-ubyte'), idx(0x803, [n, 4, 5], pixels));
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), idx(0x801, [n], Array.from({ length: n }, (_, i) => i % 3)));
    const spec = `idx:${d}`;
    const info = await ok('dataset.add', { spec });
    expect(info).toMatchObject({ spec, kind: 'idx', builtin: false, sampleShape: [1, 4, 5], sizes: { train: 16, val: 2, test: 2 } });
    const list = await call('dataset.list', {});
    expect(list.ok && (list.result as { spec: string }[]).map((x) => x.spec)).toEqual(['mnist', spec]);
    const prev = await ok('dataset.preview', { spec, count: 100 });
    const samples = prev.samples as { width: number; height: number; pixels: string }[];
    expect(samples).toHaveLength(16);
    expect(Buffer.from(samples[0].pixels, 'base64')).toHaveLength(20);
    expect((prev.classCounts as number[]).reduce((a, b) => a + b, 0)).toBe(16);
    expect((await ok('dataset.remove', { spec })).removed).toBe(true);
    expect((await ok('dataset.remove', { spec })).removed).toBe(false);
  });

  it('bad sources get clear errors and are not remembered', async () => {
    const errorOf = async (params: unknown): Promise<string> => {
      const r = await call('dataset.add', params);
      return r.ok ? '(ok)' : r.error.message;
    };
    expect(await errorOf({ spec: `folder:${join(dir, 'nope')}` })).toMatch(/no such folder/);
    expect(await errorOf({ spec: 'idx:relative/dir' })).toMatch(/absolute path/);
    expect(await errorOf({ spec: 'tfrecord:/x' })).toMatch(/unknown data source/);
    const c = join(dir, 'cifar');
    mkdirSync(c);
    writeFileSync(join(c, 'data_batch_1.bin'), Buffer.alloc(100));
    expect(await errorOf({ spec: `cifar:${c}` })).toMatch(/100 bytes is not a whole number of 3073-byte CIFAR-10 records/);
    const e = join(dir, 'empty-idx');
    mkdirSync(e);
    writeFileSync(join(e, 'train-images-idx3-ubyte'), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    writeFileSync(join(e, 'train-labels-idx1-ubyte'), idx(0x801, [1], [0]));
    expect(await errorOf({ spec: `idx:${e}` })).toMatch(/wrong magic number/);
    const list = await call('dataset.list', {});
    expect(list.ok && (list.result as unknown[]).length).toBe(1);
  });
});
