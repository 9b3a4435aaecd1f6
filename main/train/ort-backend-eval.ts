/**
 * Evaluation for the ORT training backend: the model exported with the current weights (inference
 * graph: BatchNorm on running statistics, Dropout off -- what the core's evaluate runs) is loaded
 * into the run's ORT worker, and the samples go through it in chunks. Loss, accuracy and the
 * confusion matrix are computed from the logits exactly as core/train/gradients.ts evaluate does.
 * A model the exporter refuses, or a session that does not build, is evaluated on the core instead
 * (same definition, only slower); a worker that dies is the run's failure and is passed on.
 */
import {
  addConfusion,
  argmax,
  confusionMatrix,
  encodeModel,
  evaluate,
  exportOnnx,
  type CompiledGraph,
  type Dataset,
  type EvalResult,
  type LossFn,
  type ModelGraph,
  type Weights,
} from '../../core/index';
import { OrtBackendError, type OrtTrainEngine } from './ort-backend';

/** Samples per inference call (the core's evaluate uses batches of 256 too). */
export const EVAL_CHUNK = 256;

/** Loads the current weights into the worker's evaluation session; null when ready, else why not. */
export async function prepareOrtEval(engine: OrtTrainEngine, graph: ModelGraph, weights: Weights, opset: number): Promise<string | null> {
  let bytes: Uint8Array;
  let io: { input: string; output: string };
  try {
    const ex = exportOnnx(graph, weights, { opset });
    bytes = encodeModel(ex.model);
    io = { input: ex.inputs[0].name, output: ex.outputs[0].name };
  } catch (e) {
    return `export failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  try {
    await engine.loadEvalModel(bytes, io.input, io.output);
    return null;
  } catch (e) {
    if (e instanceof OrtBackendError && e.stage === 'worker') throw e;
    return `the evaluation session did not build: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The core's evaluate, with the logits from the evaluation session prepared by prepareOrtEval. */
export async function evaluateOnOrt(engine: OrtTrainEngine, ds: Dataset, loss: LossFn, chunk = EVAL_CHUNK): Promise<EvalResult> {
  const k = ds.classNames.length;
  const size = ds.sampleShape.reduce((a, d) => a * d, 1);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < ds.length; start += chunk) {
    const end = Math.min(ds.length, start + chunk);
    const n = end - start;
    const y = ds.labels.subarray(start, end);
    const logits = await engine.infer(ds.samples.slice(start * size, end * size), [n, ...ds.sampleShape]);
    if (logits.shape[0] !== n || logits.shape[1] !== k) throw new OrtBackendError('step', `evaluation gave logits [${logits.shape.join(', ')}] for ${n} samples of ${k} classes`);
    lossSum += loss(logits, y).loss * n;
    const pred = argmax(logits);
    for (let i = 0; i < n; i++) if (pred[i] === y[i]) correct++;
    addConfusion(confusion, confusionMatrix(pred, y, k));
  }
  const total = Math.max(1, ds.length);
  return { loss: lossSum / total, accuracy: correct / total, count: ds.length, confusion };
}

/** Evaluates `sets` with the current weights on ORT (one session for all of them), or on the core when ORT cannot. */
export async function evaluateSets(
  engine: OrtTrainEngine,
  graph: ModelGraph,
  cg: CompiledGraph,
  weights: Weights,
  sets: readonly (Dataset | undefined)[],
  loss: LossFn,
  opset: number,
): Promise<{ results: (EvalResult | undefined)[]; engine: 'ort' | 'core'; reason?: string }> {
  const wanted = sets.some((d) => d !== undefined && d.length > 0);
  if (!wanted) return { results: sets.map(() => undefined), engine: 'ort' };
  const reason = await prepareOrtEval(engine, graph, weights, opset);
  const results: (EvalResult | undefined)[] = [];
  for (const d of sets) {
    if (!d || d.length === 0) results.push(undefined);
    else results.push(reason === null ? await evaluateOnOrt(engine, d, loss) : evaluate(cg, weights, d, loss));
  }
  return reason === null ? { results, engine: 'ort' } : { results, engine: 'core', reason };
}
