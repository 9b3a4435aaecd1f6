/**
 * The one adapter around onnxruntime-node. No other module imports it, and no ORT type leaves
 * this file: sessions are opaque handles, tensors cross the boundary as { shape, data }.
 * Sessions are meant to live in pool workers (ORT's run blocks its thread).
 */
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';

export type ProviderName = 'cpu' | 'cuda';

export interface OrtInfo {
  /** onnxruntime-node package version. */
  version: string;
  /** Providers a session can use on this machine, best first ('cuda' only when its libraries are installed). */
  providers: ProviderName[];
  /** What the binding lists, with whether its native library is actually present. */
  backends: { name: string; bundled: boolean; usable: boolean }[];
  /** The provider createSession picks when none is asked for. */
  defaultProvider: ProviderName;
  /** Thread counts createSession uses by default (one job on the whole machine). */
  defaultThreads: { intraOp: number; interOp: number; cpus: number };
  platform: string;
}

export interface SessionOptions {
  /** 'auto' (default) takes CUDA when present, else CPU. */
  provider?: ProviderName | 'auto';
  /** Explicit intra-op thread count; default splits the cores between `concurrentJobs`. */
  intraOpThreads?: number;
  /** How many sessions run at once on this machine (pool size); used to avoid oversubscription. */
  concurrentJobs?: number;
  /** ORT graph optimisation level; default 'all'. */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

export interface BoundaryTensor {
  shape: number[];
  data: TensorData;
}

export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

export interface OrtSessionHandle {
  readonly id: number;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly provider: ProviderName;
  readonly intraOpThreads: number;
}

/** Thrown for every ORT failure, with the operation that failed in the message. */
export class OrtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrtError';
  }
}

const sessions = new Map<number, ort.InferenceSession>();
/** Input names per session, for O(1) feed checks on every run. */
const inputSets = new Map<number, ReadonlySet<string>>();
let nextId = 1;

function packageDir(): string | null {
  try {
    const req = createRequire(import.meta.url);
    return dirname(req.resolve('onnxruntime-node/package.json'));
  } catch {
    return null;
  }
}

function packageVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    const pkg: unknown = req('onnxruntime-node/package.json');
    if (pkg && typeof pkg === 'object' && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through to the runtime-reported version
  }
  return ort.env.versions.node ?? ort.env.versions.common;
}

/** The CUDA provider ships as a separate shared library installed by `--onnxruntime-node-install=cuda12`. */
function cudaLibraryPresent(): boolean {
  const dir = packageDir();
  if (!dir) return false;
  const arch = process.arch;
  const libDir = join(dir, 'bin', 'napi-v6', process.platform, arch);
  return existsSync(join(libDir, 'libonnxruntime_providers_cuda.so')) || existsSync(join(libDir, 'onnxruntime_providers_cuda.dll'));
}

function cpuCount(): number {
  return Math.max(1, availableParallelism());
}

export function ortInfo(): OrtInfo {
  const cuda = cudaLibraryPresent();
  const backends = ort.listSupportedBackends().map((b) => ({
    name: b.name,
    bundled: b.bundled,
    usable: b.name === 'cpu' || (b.name === 'cuda' && cuda),
  }));
  const providers: ProviderName[] = cuda ? ['cuda', 'cpu'] : ['cpu'];
  const cpus = cpuCount();
  return {
    version: packageVersion(),
    providers,
    backends,
    defaultProvider: providers[0],
    defaultThreads: { intraOp: cpus, interOp: 1, cpus },
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Intra-op threads so that `jobs` concurrent sessions share the cores without oversubscribing. */
export function threadsFor(jobs: number, cpus = cpuCount()): number {
  return Math.max(1, Math.floor(cpus / Math.max(1, Math.floor(jobs))));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function createSession(bytes: Uint8Array, opts: SessionOptions = {}): Promise<OrtSessionHandle> {
  const info = ortInfo();
  const wanted = opts.provider ?? 'auto';
  const provider: ProviderName = wanted === 'auto' ? info.defaultProvider : wanted;
  if (!info.providers.includes(provider)) {
    throw new OrtError(`ort: execution provider "${provider}" is not installed (available: ${info.providers.join(', ')})`);
  }
  const intraOp = opts.intraOpThreads ?? threadsFor(opts.concurrentJobs ?? 1);
  if (!Number.isInteger(intraOp) || intraOp < 1) throw new OrtError(`ort: intraOpThreads must be a positive integer, got ${intraOp}`);
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    intraOpNumThreads: intraOp,
    interOpNumThreads: 1,
    graphOptimizationLevel: opts.optimization ?? 'all',
    executionMode: 'sequential',
    logSeverityLevel: 3,
  };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, options);
  } catch (e) {
    throw new OrtError(`ort: could not build a session: ${message(e)}`);
  }
  const id = nextId++;
  sessions.set(id, session);
  inputSets.set(id, new Set(session.inputNames));
  return { id, inputNames: [...session.inputNames], outputNames: [...session.outputNames], provider, intraOpThreads: intraOp };
}

function toOrt(name: string, t: BoundaryTensor): ort.Tensor {
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new OrtError(`ort: feed "${name}" has invalid shape [${t.shape.join(', ')}]`);
  if (t.data.length !== size) {
    throw new OrtError(`ort: feed "${name}" has shape [${t.shape.join(', ')}] (${size} values) but ${t.data.length} values`);
  }
  const d = t.data;
  if (d instanceof Float32Array) return new ort.Tensor('float32', d, t.shape);
  if (d instanceof Int32Array) return new ort.Tensor('int32', d, t.shape);
  if (d instanceof BigInt64Array) return new ort.Tensor('int64', d, t.shape);
  return new ort.Tensor('bool', d, t.shape);
}

/**
 * onnxruntime-node copies every CPU output into a fresh JS-owned ArrayBuffer (napi_create_arraybuffer),
 * so run outputs are handed on as they are; `copy` is for values the adapter keeps (carried inputs).
 */
function fromOrt(name: string, v: ort.OnnxValue, copy = false): BoundaryTensor {
  if (!(v instanceof ort.Tensor)) throw new OrtError(`ort: output "${name}" is not a tensor`);
  const shape = v.dims.map((d) => Number(d));
  const d = v.data;
  if (d instanceof Float32Array || d instanceof Int32Array || d instanceof BigInt64Array || d instanceof Uint8Array) {
    return { shape, data: copy ? d.slice() : d };
  }
  throw new OrtError(`ort: output "${name}" has unsupported element type ${v.type}`);
}

function inputSet(handle: OrtSessionHandle): ReadonlySet<string> {
  return inputSets.get(handle.id) ?? new Set(handle.inputNames);
}

function getSession(handle: OrtSessionHandle): ort.InferenceSession {
  const s = sessions.get(handle.id);
  if (!s) throw new OrtError(`ort: session ${handle.id} was released or never created`);
  return s;
}

/** Runs one batch; feeds are keyed by graph input name, outputs by graph output name. */
export async function runSession(handle: OrtSessionHandle, feeds: Record<string, BoundaryTensor>): Promise<Record<string, BoundaryTensor>> {
  const session = getSession(handle);
  for (const n of handle.inputNames) {
    if (!(n in feeds)) throw new OrtError(`ort: missing feed "${n}" (inputs: ${handle.inputNames.join(', ')})`);
  }
  const known = inputSet(handle);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const name in feeds) {
    const t = feeds[name];
    if (!known.has(name)) throw new OrtError(`ort: unknown feed "${name}" (inputs: ${handle.inputNames.join(', ')})`);
    ortFeeds[name] = toOrt(name, t);
  }
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(ortFeeds);
  } catch (e) {
    throw new OrtError(`ort: run failed: ${message(e)}`);
  }
  const out: Record<string, BoundaryTensor> = {};
  for (const [name, v] of Object.entries(results)) out[name] = fromOrt(name, v);
  return out;
}

/** runSession for models whose outputs are all float32. */
export async function runFloat(handle: OrtSessionHandle, feeds: Record<string, BoundaryTensor>): Promise<Record<string, FloatTensor>> {
  const res = await runSession(handle, feeds);
  const out: Record<string, FloatTensor> = {};
  for (const [name, t] of Object.entries(res)) {
    if (!(t.data instanceof Float32Array)) throw new OrtError(`ort: output "${name}" is not float32`);
    out[name] = { shape: t.shape, data: t.data };
  }
  return out;
}

export async function releaseSession(handle: OrtSessionHandle): Promise<void> {
  const s = sessions.get(handle.id);
  if (!s) return;
  sessions.delete(handle.id);
  inputSets.delete(handle.id);
  await s.release();
}

// ---- training sessions: values carried from one run to the next (params, optimizer state) stay
// ORT tensors between runs, so a step feeds the previous step's outputs back without copying them.

const carried = new Map<number, Map<string, ort.Tensor>>();

function carriedOf(handle: OrtSessionHandle): Map<string, ort.Tensor> {
  getSession(handle);
  let m = carried.get(handle.id);
  if (!m) {
    m = new Map();
    carried.set(handle.id, m);
  }
  return m;
}

/** Sets (copies in) the carried inputs of a session, e.g. the params and optimizer state at the start of a run. */
export function setCarried(handle: OrtSessionHandle, values: Record<string, BoundaryTensor>): void {
  const m = carriedOf(handle);
  for (const [name, t] of Object.entries(values)) {
    if (!inputSet(handle).has(name)) throw new OrtError(`ort: unknown carried input "${name}" (inputs: ${handle.inputNames.join(', ')})`);
    m.set(name, toOrt(name, { shape: t.shape, data: t.data.slice() }));
  }
}

/** Copies of carried inputs (for checkpoints). */
export function readCarried(handle: OrtSessionHandle, names: readonly string[]): Record<string, BoundaryTensor> {
  const m = carriedOf(handle);
  const out: Record<string, BoundaryTensor> = {};
  for (const name of names) {
    const t = m.get(name);
    if (!t) throw new OrtError(`ort: "${name}" is not a carried input of session ${handle.id}`);
    out[name] = fromOrt(name, t, true);
  }
  return out;
}

/**
 * One run with the carried inputs plus `feeds`; afterwards each output named in `carry`
 * (output -> input) becomes that input's carried value for the next run, without a copy.
 * Returns copies of the outputs named in `fetch`. Only fetched and carried outputs are computed.
 */
export async function runCarried(
  handle: OrtSessionHandle,
  feeds: Record<string, BoundaryTensor>,
  carry: Readonly<Record<string, string>>,
  fetch: readonly string[],
): Promise<Record<string, BoundaryTensor>> {
  const session = getSession(handle);
  const m = carriedOf(handle);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of m) ortFeeds[name] = t;
  const known = inputSet(handle);
  for (const name in feeds) {
    if (!known.has(name)) throw new OrtError(`ort: unknown feed "${name}" (inputs: ${handle.inputNames.join(', ')})`);
    ortFeeds[name] = toOrt(name, feeds[name]);
  }
  const missing = handle.inputNames.filter((n) => !(n in ortFeeds));
  if (missing.length > 0) throw new OrtError(`ort: missing feed(s) ${missing.join(', ')}`);
  const wanted = [...new Set([...Object.keys(carry), ...fetch])];
  for (const n of wanted) if (!handle.outputNames.includes(n)) throw new OrtError(`ort: unknown output "${n}" (outputs: ${handle.outputNames.join(', ')})`);
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(ortFeeds, wanted);
  } catch (e) {
    throw new OrtError(`ort: run failed: ${message(e)}`);
  }
  for (const [out, input] of Object.entries(carry)) {
    const v = results[out];
    if (!(v instanceof ort.Tensor)) throw new OrtError(`ort: carried output "${out}" is not a tensor`);
    m.set(input, v);
  }
  const out: Record<string, BoundaryTensor> = {};
  // A fetched output that is also carried stays the next run's input: hand out a copy of that one only.
  for (const name of fetch) out[name] = fromOrt(name, results[name], name in carry);
  return out;
}

/** Releases a session and its carried values. */
export async function releaseTrainSession(handle: OrtSessionHandle): Promise<void> {
  carried.delete(handle.id);
  await releaseSession(handle);
}
