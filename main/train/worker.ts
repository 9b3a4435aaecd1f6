/**
 * Training worker: computes the gradient of one shard of a batch with the core, reading the
 * weights from shared memory and writing the gradients into its own shared region.
 * Built by electron-vite as its own entry (out/main/train-worker.js).
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { Tensor, compileGraph, computeGradients, lossFromConfig, type CompiledGraph, type LossFn, type Weights } from '../../core/index';
import type { FromWorker, StateEntry, ToWorker } from './protocol';
import { viewsOf, slotKey, type Layout } from './shared-weights';

interface Ready {
  cg: CompiledGraph;
  weights: Weights;
  grads: Weights;
  layout: Layout;
  loss: LossFn;
}

let ready: Ready | null = null;

function send(msg: FromWorker): void {
  parentPort?.postMessage(msg);
}

parentPort?.on('message', (msg: ToWorker) => {
  if (msg.type === 'close') {
    parentPort?.close();
    return;
  }
  if (msg.type === 'init') {
    try {
      ready = {
        cg: compileGraph(msg.graph),
        weights: viewsOf(msg.layout, new Float32Array(msg.weights)),
        grads: viewsOf(msg.layout, new Float32Array(msg.grads)),
        layout: msg.layout,
        loss: lossFromConfig(msg.loss),
      };
      send({ type: 'ready' });
    } catch (e) {
      send({ type: 'error', id: -1, message: e instanceof Error ? e.message : String(e) });
    }
    return;
  }
  const r = ready;
  if (!r) {
    send({ type: 'error', id: msg.id, message: 'train worker: step before init' });
    return;
  }
  try {
    const t0 = performance.now();
    const result = computeGradients(r.cg, r.weights, { x: new Tensor(msg.shape, msg.x), y: msg.y }, { loss: r.loss, seed: msg.seed, scale: msg.scale });
    const written: string[] = [];
    for (const [node, rec] of Object.entries(result.grads)) {
      for (const [param, g] of Object.entries(rec)) {
        const target = r.grads[node]?.[param];
        if (!target) throw new Error(`train worker: gradient for unknown weight "${node}".${param}`);
        target.data.set(g.data);
        written.push(slotKey(node, param));
      }
    }
    const state: StateEntry[] = [];
    for (const [node, rec] of Object.entries(result.state)) {
      for (const [param, t] of Object.entries(rec)) state.push({ node, param, shape: [...t.shape], data: t.data });
    }
    send({ type: 'done', id: msg.id, loss: result.loss, correct: result.correct, count: result.count, written, state, busyMs: performance.now() - t0 });
  } catch (e) {
    send({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
  }
});
