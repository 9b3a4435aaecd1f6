/**
 * The parity check: run exported ONNX bytes in onnxruntime-node (through the one ORT adapter) and
 * the graph in the core on the same seeded sample batch, and compare every output.
 *
 * Criterion per element: |core - ort| <= atol + rtol * |ort|, rtol = 1e-4, atol = 1e-5 * max(1, max |ort|).
 * Why: float32 has eps = 1.2e-7, and the two engines sum dot products in different orders (the core's
 * packed GEMM vs MLAS, im2col vs direct conv, fused Conv+BN in ORT), which moves each sum by about
 * sqrt(K) eps of its terms' magnitude: ~1e-5 relative for K ~ 5,000-term dot products, compounded
 * over ~10-20 layers. 1e-4 relative leaves room for that and for the core's erf (1.2e-7) while
 * still catching any real mapping error (a wrong pad, axis or weight layout gives errors of order 1).
 * atol scales with the output magnitude because an output that cancels to ~0 keeps the absolute
 * rounding error of its terms. A mismatch throws ParityError: it is an export failure, not a warning.
 */
import { compileGraph, outputOf, Rng, runForward, type ModelGraph, type Tensor, type Weights } from '../../core/index';
import { createSession, releaseSession, runFloat, type SessionOptions } from '../ort/adapter';
import { sampleFeeds } from './sample';

export const PARITY_RTOL = 1e-4;
export const PARITY_ATOL = 1e-5;

export interface OutputParity {
  name: string;
  shape: number[];
  maxAbs: number;
  /** Largest |d| / |ort| over elements with |ort| >= 1e-3 * max |ort| (smaller ones are judged by atol). */
  maxRel: number;
  /** Largest |d| / (atol + rtol |ort|); the output passes when this is <= 1. */
  worst: number;
}

export interface ParityResult {
  ok: boolean;
  batch: number;
  seed: number;
  rtol: number;
  atol: number;
  maxAbs: number;
  maxRel: number;
  worst: number;
  outputs: OutputParity[];
}

export interface ParityOptions {
  batch?: number;
  seed?: number;
  rtol?: number;
  atol?: number;
  session?: SessionOptions;
}

export class ParityError extends Error {
  constructor(
    message: string,
    readonly result: ParityResult,
  ) {
    super(message);
    this.name = 'ParityError';
  }
}

export function compareOutput(name: string, core: Float32Array, ort: Float32Array, shape: number[], rtol: number, atolBase: number): OutputParity {
  let scale = 0;
  for (const v of ort) scale = Math.max(scale, Math.abs(v));
  const atol = atolBase * Math.max(1, scale);
  let maxAbs = 0;
  let maxRel = 0;
  let worst = 0;
  for (let i = 0; i < ort.length; i++) {
    const d = Math.abs(core[i] - ort[i]);
    if (!(d <= Infinity)) {
      worst = Infinity; // NaN on one side only
      maxAbs = Infinity;
      continue;
    }
    maxAbs = Math.max(maxAbs, d);
    const ref = Math.abs(ort[i]);
    if (ref >= 1e-3 * scale && ref > 0) maxRel = Math.max(maxRel, d / ref);
    worst = Math.max(worst, d / (atol + rtol * ref));
  }
  return { name, shape, maxAbs, maxRel, worst };
}

/** Core forward (eval mode) of every graph output. */
export function runCore(graph: ModelGraph, weights: Weights, feeds: Record<string, Tensor>, seed = 1): Tensor[] {
  const cg = compileGraph(graph);
  const tape = runForward(cg, weights, feeds, { training: false, rng: new Rng(seed) }, false);
  return cg.outputs.map((_, i) => outputOf(cg, tape, i));
}

/** Runs both engines on a seeded batch; throws ParityError above tolerance. */
export async function checkParity(bytes: Uint8Array, graph: ModelGraph, weights: Weights, opts: ParityOptions = {}): Promise<ParityResult> {
  const batch = opts.batch ?? 2;
  const seed = opts.seed ?? 1;
  const rtol = opts.rtol ?? PARITY_RTOL;
  const atol = opts.atol ?? PARITY_ATOL;
  const feeds = sampleFeeds(graph, batch, seed);
  const core = runCore(graph, weights, feeds, seed);
  const session = await createSession(bytes, { provider: 'cpu', intraOpThreads: 1, ...opts.session });
  let ort: Record<string, { shape: number[]; data: Float32Array }>;
  try {
    const ortFeeds: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const name of session.inputNames) {
      const t = feeds[name];
      if (!t) throw new Error(`parity: the model input "${name}" is not an Input node of graph "${graph.name}"`);
      ortFeeds[name] = { shape: [...t.shape], data: t.data };
    }
    ort = await runFloat(session, ortFeeds);
  } finally {
    await releaseSession(session);
  }
  const outputs = graph.outputs.map((name, i) => {
    const o = ort[session.outputNames[i]];
    const c = core[i];
    if (!o) throw new Error(`parity: ONNX Runtime gave no output "${session.outputNames[i]}" for graph output "${name}"`);
    if (o.shape.length !== c.shape.length || o.shape.some((d, k) => d !== c.shape[k])) {
      throw new ParityError(`parity: output "${name}" has shape [${o.shape.join(', ')}] in ONNX Runtime but [${c.shape.join(', ')}] in the core`, {
        ok: false, batch, seed, rtol, atol, maxAbs: Infinity, maxRel: Infinity, worst: Infinity, outputs: [],
      });
    }
    return compareOutput(name, c.data, o.data, [...c.shape], rtol, atol);
  });
  const result: ParityResult = {
    ok: outputs.every((o) => o.worst <= 1),
    batch,
    seed,
    rtol,
    atol,
    maxAbs: Math.max(0, ...outputs.map((o) => o.maxAbs)),
    maxRel: Math.max(0, ...outputs.map((o) => o.maxRel)),
    worst: Math.max(0, ...outputs.map((o) => o.worst)),
    outputs,
  };
  if (!result.ok) {
    const bad = outputs.filter((o) => o.worst > 1).map((o) => `"${o.name}" max abs ${o.maxAbs.toExponential(2)}, max rel ${o.maxRel.toExponential(2)}`);
    throw new ParityError(`parity: ONNX Runtime and the core disagree beyond rtol ${rtol} / atol ${atol}: ${bad.join('; ')}`, result);
  }
  return result;
}

/** One line for the CLI and logs. */
export function parityLine(r: ParityResult): string {
  return `parity vs ONNX Runtime (batch ${r.batch}, seed ${r.seed}): max abs ${r.maxAbs.toExponential(2)}, max rel ${r.maxRel.toExponential(2)} (tolerance rtol ${r.rtol}, atol ${r.atol} x scale) ${r.ok ? 'OK' : 'FAILED'}`;
}
