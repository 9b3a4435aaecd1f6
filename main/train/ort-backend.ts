/**
 * The ORT training engine as the main thread sees it: one worker per run that owns the session
 * built from the compiled training-step graph. `step` sends the batch (and lr, step, masks) and gets
 * the loss and logits back; the params and optimizer state stay in the worker between steps and
 * are read out only for checkpoints and evaluation. Every failure (session build, ORT error, worker
 * exit) rejects with an OrtBackendError that says what happened.
 */
import { Worker } from 'node:worker_threads';
import {
  Tensor,
  encodeModel,
  type OptimizerState,
  type Weights,
} from '../../core/index';
import { LABELS_INPUT, LOSS_OUTPUT, LR_INPUT, STEP_INPUT, type CompiledTrainGraph } from '../../core/onnx/train-graph';
import type { FromOrtWorker, ToOrtWorker, WireTensor } from './ort-backend-protocol';

export class OrtBackendError extends Error {
  constructor(
    readonly stage: 'session' | 'step' | 'worker',
    message: string,
  ) {
    super(message);
    this.name = 'OrtBackendError';
  }
}

export interface OrtEngineOptions {
  intraOpThreads: number;
  /** The built worker bundle; default: ort-train-worker.js next to the running bundle. */
  workerFile?: string | URL;
  /** Tests: change the model bytes before the session is built. */
  modelBytes?: (bytes: Uint8Array) => Uint8Array;
}

export interface StepOutput {
  loss: number;
  logits: Tensor;
}

type Pending = { resolve: (m: WireTensor[]) => void; reject: (e: Error) => void };

export class OrtTrainEngine {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: OrtBackendError | null = null;
  provider = '';
  intraOpThreads = 0;

  private constructor(
    private readonly worker: Worker,
    readonly compiled: CompiledTrainGraph,
  ) {}

  /** Starts the worker and builds the session with these weights and optimizer state. */
  static async start(compiled: CompiledTrainGraph, weights: Weights, optimizer: OptimizerState, opts: OrtEngineOptions): Promise<OrtTrainEngine> {
    const worker = new Worker(opts.workerFile ?? new URL('./ort-train-worker.js', import.meta.url));
    const engine = new OrtTrainEngine(worker, compiled);
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromOrtWorker) => {
        if (m.type === 'ready') {
          engine.provider = m.provider;
          engine.intraOpThreads = m.intraOpThreads;
          resolve();
        } else if (m.type === 'error' && m.id < 0) reject(new OrtBackendError('session', `the ONNX Runtime session could not be built: ${m.message}`));
        else engine.settle(m);
      });
      const fail = (e: OrtBackendError): void => {
        engine.failure = e;
        reject(e);
        for (const p of engine.pending.values()) p.reject(e);
        engine.pending.clear();
      };
      worker.on('error', (e) => fail(new OrtBackendError('worker', `the ORT worker failed: ${e instanceof Error ? e.message : String(e)}`)));
      worker.on('exit', (code) => fail(new OrtBackendError('worker', `the ORT worker exited (code ${code})`)));
    });
    const model = encodeModel(compiled.model);
    const init: ToOrtWorker = {
      type: 'init',
      model: opts.modelBytes ? opts.modelBytes(model) : model,
      intraOpThreads: opts.intraOpThreads,
      carried: carriedTensors(compiled, weights, optimizer),
      carry: carryMap(compiled),
      fetch: [LOSS_OUTPUT, compiled.logits],
    };
    worker.postMessage(init);
    try {
      await ready;
    } catch (e) {
      await worker.terminate();
      throw e;
    }
    return engine;
  }

  private settle(m: FromOrtWorker): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.outputs);
    else p.reject(new OrtBackendError('step', m.message));
  }

  private request(make: (id: number) => ToOrtWorker, transfer: ArrayBuffer[] = []): Promise<WireTensor[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const done = new Promise<WireTensor[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage(make(id), transfer);
    return done;
  }

  /** One optimizer step. `t` is the optimizer's step count after this update (1 for the first). */
  async step(x: Tensor, labels: Int32Array, lr: number, t: number, masks: Record<string, Float32Array>): Promise<StepOutput> {
    const n = labels.length;
    const feeds: WireTensor[] = [
      { name: this.compiled.input, shape: [...x.shape], data: x.data },
      { name: LABELS_INPUT, shape: [n], data: BigInt64Array.from(labels, (v) => BigInt(v)) },
      { name: LR_INPUT, shape: [], data: Float32Array.of(lr) },
      { name: STEP_INPUT, shape: [], data: Float32Array.of(t) },
    ];
    for (const m of this.compiled.masks) feeds.push({ name: m.input, shape: [n, ...m.sampleShape], data: masks[m.input] });
    const out = await this.request((id) => ({ type: 'step', id, feeds }));
    const loss = out.find((o) => o.name === LOSS_OUTPUT);
    const logits = out.find((o) => o.name === this.compiled.logits);
    if (!loss || !logits || !(loss.data instanceof Float32Array) || !(logits.data instanceof Float32Array)) {
      throw new OrtBackendError('step', 'the training step returned no loss or logits');
    }
    return { loss: loss.data[0], logits: new Tensor(logits.shape, logits.data) };
  }

  /** Copies of the current params (running stats included) and optimizer slots. */
  async read(): Promise<{ weights: Weights; slots: OptimizerState['slots'] }> {
    const names = this.compiled.params.flatMap((p) => [p.input, ...p.slots.map((s) => s.input)]);
    const out = new Map((await this.request((id) => ({ type: 'read', id, names }))).map((t) => [t.name, t]));
    const weights: Weights = {};
    const slots: OptimizerState['slots'] = {};
    for (const p of this.compiled.params) {
      const t = out.get(p.input);
      if (!t || !(t.data instanceof Float32Array)) throw new OrtBackendError('step', `reading "${p.input}" from the session failed`);
      (weights[p.node] ??= {})[p.param] = new Tensor(p.shape, t.data);
      for (const s of p.slots) {
        const v = out.get(s.input);
        if (!v || !(v.data instanceof Float32Array)) throw new OrtBackendError('step', `reading "${s.input}" from the session failed`);
        (slots[`${p.node}/${p.param}`] ??= {})[s.slot] = v.data;
      }
    }
    return { weights, slots };
  }

  /** Builds the worker's evaluation session from an inference model (exported with the current weights). */
  async loadEvalModel(model: Uint8Array, input: string, output: string): Promise<void> {
    await this.request((id) => ({ type: 'eval-model', id, model, input, output }));
  }

  /** Logits of a chunk of samples through the evaluation session; `x` is transferred (the caller gives it up). */
  async infer(x: Float32Array, shape: number[]): Promise<Tensor> {
    const buffers = x.buffer instanceof ArrayBuffer && x.byteLength === x.buffer.byteLength ? [x.buffer] : [];
    const out = await this.request((id) => ({ type: 'infer', id, x: { name: 'x', shape, data: x } }), buffers);
    const y = out[0];
    if (!y || !(y.data instanceof Float32Array)) throw new OrtBackendError('step', 'evaluation returned no logits');
    return new Tensor(y.shape, y.data);
  }

  /** Tests only: make the worker thread die as a native crash would. */
  crashForTest(): void {
    this.worker.postMessage({ type: 'crash' } satisfies ToOrtWorker);
  }

  async close(): Promise<void> {
    if (this.failure) return;
    this.worker.removeAllListeners('exit');
    this.worker.postMessage({ type: 'close' } satisfies ToOrtWorker);
    await this.worker.terminate();
  }
}

function carryMap(c: CompiledTrainGraph): Record<string, string> {
  const m: Record<string, string> = {};
  for (const p of c.params) {
    m[p.output] = p.input;
    for (const s of p.slots) m[s.output] = s.input;
  }
  return m;
}

function carriedTensors(c: CompiledTrainGraph, weights: Weights, optimizer: OptimizerState): WireTensor[] {
  const out: WireTensor[] = [];
  for (const p of c.params) {
    const w = weights[p.node]?.[p.param];
    if (!w) throw new OrtBackendError('session', `no weight "${p.node}".${p.param} to start from`);
    out.push({ name: p.input, shape: p.shape, data: w.data });
    for (const s of p.slots) {
      const size = p.shape.reduce((a, d) => a * d, 1);
      const have = optimizer.slots[`${p.node}/${p.param}`]?.[s.slot];
      if (have && have.length !== size) throw new OrtBackendError('session', `optimizer state "${p.node}/${p.param}".${s.slot} has ${have.length} values, the param has ${size}`);
      out.push({ name: s.input, shape: p.shape, data: have ?? new Float32Array(size) });
    }
  }
  return out;
}
