/**
 * ORT training worker (bundled to out/main/ort-train-worker.js): builds the training-step session
 * once, keeps params and optimizer state inside the adapter as carried ORT outputs -> next inputs,
 * and runs one step per message. ORT's run blocks this thread, never the caller's.
 */
import { parentPort } from 'node:worker_threads';
import { createSession, readCarried, releaseSession, releaseTrainSession, runCarried, runSession, setCarried, type BoundaryTensor, type OrtSessionHandle } from '../ort/adapter';
import type { FromOrtWorker, ToOrtWorker, WireTensor } from './ort-backend-protocol';

let session: OrtSessionHandle | null = null;
/** The evaluation session (inference graph with the weights of the last eval-model message). */
let evalSession: { handle: OrtSessionHandle; input: string; output: string } | null = null;
let carry: Record<string, string> = {};
let fetch: string[] = [];

function send(msg: FromOrtWorker, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(msg, transfer);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function toWire(out: Record<string, BoundaryTensor>): { tensors: WireTensor[]; buffers: ArrayBuffer[] } {
  const tensors: WireTensor[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const [name, t] of Object.entries(out)) {
    if (!(t.data instanceof Float32Array) && !(t.data instanceof BigInt64Array)) throw new Error(`ort worker: output "${name}" is not float32 or int64`);
    tensors.push({ name, shape: t.shape, data: t.data });
    if (t.data.buffer instanceof ArrayBuffer) buffers.push(t.data.buffer);
  }
  return { tensors, buffers };
}

function record(list: readonly WireTensor[]): Record<string, BoundaryTensor> {
  const out: Record<string, BoundaryTensor> = {};
  for (const t of list) out[t.name] = { shape: t.shape, data: t.data };
  return out;
}

async function handle(msg: ToOrtWorker): Promise<void> {
  if (msg.type === 'close') {
    if (session) await releaseTrainSession(session);
    if (evalSession) await releaseSession(evalSession.handle);
    session = null;
    evalSession = null;
    parentPort?.close();
    return;
  }
  if (msg.type === 'crash') process.exit(3);
  if (msg.type === 'init') {
    try {
      session = await createSession(msg.model, { intraOpThreads: msg.intraOpThreads });
      setCarried(session, record(msg.carried));
      carry = msg.carry;
      fetch = msg.fetch;
      send({ type: 'ready', provider: session.provider, intraOpThreads: session.intraOpThreads });
    } catch (e) {
      send({ type: 'error', id: -1, message: message(e) });
    }
    return;
  }
  const s = session;
  if (!s) {
    send({ type: 'error', id: msg.id, message: 'ort worker: no session (init failed or missing)' });
    return;
  }
  if (msg.type === 'eval-model' || msg.type === 'infer') {
    try {
      const outputs = await evaluation(msg, s.intraOpThreads);
      send({ type: 'result', id: msg.id, outputs }, outputs.flatMap((t) => (t.data.buffer instanceof ArrayBuffer ? [t.data.buffer] : [])));
    } catch (e) {
      send({ type: 'error', id: msg.id, message: message(e) });
    }
    return;
  }
  try {
    const out = msg.type === 'step' ? await runCarried(s, record(msg.feeds), carry, fetch) : readCarried(s, msg.names);
    const { tensors, buffers } = toWire(out);
    send({ type: 'result', id: msg.id, outputs: tensors }, buffers);
  } catch (e) {
    send({ type: 'error', id: msg.id, message: message(e) });
  }
}

async function evaluation(msg: Extract<ToOrtWorker, { type: 'eval-model' | 'infer' }>, threads: number): Promise<WireTensor[]> {
  if (msg.type === 'eval-model') {
    if (evalSession) await releaseSession(evalSession.handle);
    evalSession = null;
    evalSession = { handle: await createSession(msg.model, { intraOpThreads: threads }), input: msg.input, output: msg.output };
    return [];
  }
  if (!evalSession) throw new Error('ort worker: no evaluation session (send eval-model first)');
  const out = await runSession(evalSession.handle, { [evalSession.input]: { shape: msg.x.shape, data: msg.x.data } });
  const y = out[evalSession.output];
  if (!y || !(y.data instanceof Float32Array)) throw new Error(`ort worker: evaluation output "${evalSession.output}" is missing or not float32`);
  return [{ name: evalSession.output, shape: y.shape, data: y.data }];
}

// One message at a time, in order (a step must not overlap the next).
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (msg: ToOrtWorker) => {
  queue = queue.then(() => handle(msg));
});
