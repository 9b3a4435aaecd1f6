/**
 * ORT training worker (bundled to out/main/ort-train-worker.js): builds the training-step session
 * once, keeps params and optimizer state inside the adapter as carried ORT outputs -> next inputs,
 * and runs one step per message. ORT's run blocks this thread, never the caller's.
 */
import { parentPort } from 'node:worker_threads';
import { createSession, readCarried, releaseTrainSession, runCarried, setCarried, type BoundaryTensor, type OrtSessionHandle } from '../ort/adapter';
import type { FromOrtWorker, ToOrtWorker, WireTensor } from './ort-backend-protocol';

let session: OrtSessionHandle | null = null;
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
    session = null;
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
  try {
    const out = msg.type === 'step' ? await runCarried(s, record(msg.feeds), carry, fetch) : readCarried(s, msg.names);
    const { tensors, buffers } = toWire(out);
    send({ type: 'result', id: msg.id, outputs: tensors }, buffers);
  } catch (e) {
    send({ type: 'error', id: msg.id, message: message(e) });
  }
}

// One message at a time, in order (a step must not overlap the next).
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (msg: ToOrtWorker) => {
  queue = queue.then(() => handle(msg));
});
