/**
 * A training run on a chosen backend. `core` is runTraining (the core's Trainer); `ort` compiles
 * the model into one training-step graph and runs it in an ORT worker; `auto` takes ORT when the
 * compiler supports the model. When it does not, the run falls back to the core and says why
 * (onBackend + metrics.fallbackReason): results never change silently.
 *
 * The ORT loop follows the core Trainer step for step -- the same data order (one seeded RNG whose
 * state at each epoch start is checkpointed), the same learning-rate schedule, the same dropout
 * seeds (passSeed(seed, step)), the same checkpoint format and run directory -- so a run can be
 * resumed on either backend. A session that fails to build or an ORT error or worker exit
 * mid-run ends the run with status "failed", a message saying what happened, and the last
 * checkpoint left in place.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AUGMENT_STREAM,
  CHECKPOINT_VERSION,
  Rng,
  augmentBatch,
  argmax,
  batchCount,
  compileGraph,
  copyWeightsInto,
  gatherBatch,
  graphToJson,
  initWeights,
  learningRate,
  lossFromConfig,
  passSeed,
  shuffledOrder,
  type Checkpoint,
  type EpochMetrics,
  type EvalResult,
  type OptimizerState,
  type TrainEvent,
} from '../../core/index';
import { compileTrainGraph, dropoutMasks, TrainGraphError, type CompiledTrainGraph } from '../../core/onnx/train-graph';
import { OrtTrainEngine } from './ort-backend';
import { evaluateSets } from './ort-backend-eval';
import { CHECKPOINT_FILE, METRICS_FILE, MODEL_FILE, loadCheckpointFile, saveCheckpointFile, writeFileAtomic } from './run-dir';
import { checkDataFitsModel, runTraining, type RunMetrics, type RunOptions } from './run-training';

export type BackendChoice = 'core' | 'ort' | 'auto';

export interface BackendInfo {
  backend: 'core' | 'ort';
  /** Why ORT was not used (compiler refusal), when it was wanted. */
  reason?: string;
  provider?: string;
  threads: number;
}

export interface BackendRunOptions extends RunOptions {
  backend: BackendChoice;
  ortWorkerFile?: string | URL;
  onBackend?: (info: BackendInfo) => void;
  /** Tests: change the model bytes before the session is built. */
  testModelBytes?: (bytes: Uint8Array) => Uint8Array;
  /** Tests: at this step, feed a batch of the wrong shape (a real ORT error) or crash the worker. */
  testFault?: { step: number; kind: 'bad-feed' | 'crash' };
}

export interface BackendRunMetrics extends Omit<RunMetrics, 'status'> {
  status: RunMetrics['status'] | 'failed';
  backend: 'core' | 'ort';
  fallbackReason?: string;
  /** Where validation/test ran on the ORT backend ('core' when the model could not be exported; the reason follows). */
  evaluatedOn?: 'ort' | 'core';
  evalFallbackReason?: string;
}

export async function runTrainingOn(o: BackendRunOptions): Promise<BackendRunMetrics> {
  if (o.backend === 'core') {
    o.onBackend?.({ backend: 'core', threads: o.threads });
    return { ...(await runTraining(o)), backend: 'core' };
  }
  let compiled: CompiledTrainGraph;
  try {
    compiled = compileTrainGraph(o.graph, { optimizer: o.optimizer });
  } catch (e) {
    if (!(e instanceof TrainGraphError)) throw e;
    o.onBackend?.({ backend: 'core', reason: e.message, threads: o.threads });
    return { ...(await runTraining(o)), backend: 'core', fallbackReason: e.message };
  }
  return runOrt(o, compiled);
}

interface LoopState {
  epoch: number;
  batchInEpoch: number;
  step: number;
  epochRngState: number;
  optimizer: OptimizerState;
  history: EpochMetrics[];
  progress: { lossSum: number; correct: number; count: number; seconds: number };
  lastCheckpointStep: number;
}

async function runOrt(o: BackendRunOptions, compiled: CompiledTrainGraph): Promise<BackendRunMetrics> {
  checkDataFitsModel(o.graph, o.data);
  const weights = initWeights(o.graph, new Rng(o.seed), { batch: 1 });
  const dataRng = new Rng(o.seed);
  const s: LoopState = {
    epoch: 0,
    batchInEpoch: 0,
    step: 0,
    epochRngState: dataRng.getState(),
    optimizer: { kind: o.optimizer.kind, t: 0, slots: {} },
    history: [],
    progress: { lossSum: 0, correct: 0, count: 0, seconds: 0 },
    lastCheckpointStep: -1,
  };
  if (o.resume) {
    const cp = loadCheckpointFile(o.outDir);
    if (cp) resumeFrom(s, weights, cp, o);
    else if (existsSync(join(o.outDir, CHECKPOINT_FILE))) throw new Error(`cannot read ${CHECKPOINT_FILE}`);
  }
  let evaluatedOn: 'ort' | 'core' | undefined;
  let evalFallbackReason: string | undefined;
  const evalSet = async (ds: typeof o.data.val): Promise<EvalResult | undefined> => {
    const r = await evaluateSets(engine, o.graph, cg, weights, [ds], loss, compiled.opset);
    if (ds && ds.length > 0) {
      evaluatedOn = r.engine;
      evalFallbackReason ??= r.reason;
    }
    return r.results[0];
  };
  const settings = { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, optimizer: o.optimizer, schedule: o.schedule, seed: o.seed, augment: o.augment };
  const t0 = performance.now();
  const finish = (status: BackendRunMetrics['status'], message?: string, test?: EvalResult): BackendRunMetrics => {
    const seconds = s.history.reduce((a, h) => a + h.seconds, 0) + s.progress.seconds;
    const images = s.history.reduce((a, h) => a + h.imagesPerSec * h.seconds, 0) + s.progress.count;
    const m: BackendRunMetrics = {
      model: o.graph.name,
      data: o.dataSpec,
      status,
      message,
      epochs: s.history,
      testAccuracy: test?.accuracy,
      testLoss: test?.loss,
      confusion: test?.confusion,
      imagesPerSec: seconds > 0 ? images / seconds : 0,
      seconds: (performance.now() - t0) / 1000,
      threads: o.threads,
      normalization: o.normalization,
      settings,
      backend: 'ort',
    };
    if (evaluatedOn) m.evaluatedOn = evaluatedOn;
    if (evalFallbackReason) m.evalFallbackReason = evalFallbackReason;
    writeFileAtomic(join(o.outDir, METRICS_FILE), JSON.stringify(m, null, 2));
    return m;
  };
  writeFileAtomic(join(o.outDir, MODEL_FILE), graphToJson(o.graph, undefined, { pretty: true }));

  let engine: OrtTrainEngine;
  try {
    engine = await OrtTrainEngine.start(compiled, weights, s.optimizer, { intraOpThreads: o.threads, workerFile: o.ortWorkerFile, modelBytes: o.testModelBytes });
  } catch (e) {
    return finish('failed', `ort backend: ${e instanceof Error ? e.message : String(e)}`);
  }
  o.onBackend?.({ backend: 'ort', provider: engine.provider, threads: engine.intraOpThreads });
  const emit = (e: TrainEvent): void => o.onEvent?.(e);
  const cg = compileGraph(o.graph);
  const loss = lossFromConfig({ kind: 'softmax-cross-entropy' });
  const { train, val, test } = o.data;
  const batches = batchCount(train.length, o.batchSize);
  const keep = (): string => (s.lastCheckpointStep >= 0 ? `; kept the last checkpoint (step ${s.lastCheckpointStep})` : '; no checkpoint was saved yet');
  const save = async (read?: Awaited<ReturnType<OrtTrainEngine['read']>>): Promise<void> => {
    const r = read ?? (await engine.read());
    copyWeightsInto(weights, r.weights);
    s.optimizer = { kind: s.optimizer.kind, t: s.optimizer.t, slots: r.slots };
    saveCheckpointFile(o.outDir, checkpointOf(s, o, weights));
    s.lastCheckpointStep = s.step;
    emit({ type: 'checkpoint', epoch: s.epoch, step: s.step });
  };
  try {
    emit({ type: 'start', epochs: o.epochs, batchesPerEpoch: batches, trainSize: train.length, resumedAtStep: s.step });
    while (s.epoch < o.epochs) {
      dataRng.setState(s.epochRngState);
      const order = shuffledOrder(train.length, dataRng);
      while (s.batchInEpoch < batches) {
        if (o.cancelled?.()) {
          const message = `cancelled at step ${s.step} (epoch ${s.epoch + 1}, batch ${s.batchInEpoch + 1})`;
          emit({ type: 'stopped', reason: 'cancelled', step: s.step, message });
          return finish('cancelled', message);
        }
        const start = performance.now();
        const batch = gatherBatch(train, order, s.batchInEpoch * o.batchSize, (s.batchInEpoch + 1) * o.batchSize);
        const lr = o.schedule ? learningRate(o.schedule, o.lr, s.step) : o.lr;
        const where = `step ${s.step + 1} (epoch ${s.epoch + 1}, batch ${s.batchInEpoch + 1})`;
        // The same seeded augmentation stream as the core Trainer, so both backends see the same batches.
        let x = o.augment ? augmentBatch(batch.x, o.augment, new Rng(passSeed(o.seed, s.step, AUGMENT_STREAM))) : batch.x;
        if (o.testFault?.step === s.step && o.testFault.kind === 'crash') engine.crashForTest();
        if (o.testFault?.step === s.step && o.testFault.kind === 'bad-feed') x = x.reshape([x.shape[0], 1, x.size / x.shape[0]]);
        let r;
        try {
          r = await engine.step(x, batch.y, lr, s.optimizer.t + 1, dropoutMasks(compiled, batch.y.length, passSeed(o.seed, s.step)));
        } catch (e) {
          return finish('failed', `ort backend failed at ${where}: ${e instanceof Error ? e.message : String(e)}${keep()}`);
        }
        if (!Number.isFinite(r.loss)) {
          const message = `loss became ${r.loss} at ${where}${keep()}`;
          emit({ type: 'stopped', reason: 'diverged', step: s.step, message });
          return finish('diverged', message);
        }
        s.optimizer.t += 1;
        s.step++;
        s.batchInEpoch++;
        const pred = argmax(r.logits);
        let correct = 0;
        for (let i = 0; i < pred.length; i++) if (pred[i] === batch.y[i]) correct++;
        s.progress.lossSum += r.loss * batch.y.length;
        s.progress.correct += correct;
        s.progress.count += batch.y.length;
        s.progress.seconds += (performance.now() - start) / 1000;
        emit({ type: 'step', epoch: s.epoch, batch: s.batchInEpoch, batches, step: s.step, loss: r.loss, lr });
      }
      const current = await engine.read();
      copyWeightsInto(weights, current.weights);
      const v = await evalSet(val);
      const p = s.progress;
      const metrics: EpochMetrics = {
        epoch: s.epoch + 1,
        trainLoss: p.lossSum / Math.max(1, p.count),
        trainAccuracy: p.correct / Math.max(1, p.count),
        valLoss: v?.loss,
        valAccuracy: v?.accuracy,
        lr: o.schedule ? learningRate(o.schedule, o.lr, Math.max(0, s.step - 1)) : o.lr,
        seconds: p.seconds,
        imagesPerSec: p.seconds > 0 ? p.count / p.seconds : 0,
      };
      s.history.push(metrics);
      emit({ type: 'epoch', ...metrics });
      s.epoch++;
      s.batchInEpoch = 0;
      s.progress = { lossSum: 0, correct: 0, count: 0, seconds: 0 };
      s.epochRngState = dataRng.getState();
      await save(current);
    }
    const t = await evalSet(test);
    emit({ type: 'done', test: t ? { loss: t.loss, accuracy: t.accuracy, confusion: t.confusion } : undefined });
    writeFileAtomic(join(o.outDir, MODEL_FILE), graphToJson(o.graph, weights, { pretty: false }));
    return finish('completed', undefined, t);
  } catch (e) {
    return finish('failed', `ort backend: ${e instanceof Error ? e.message : String(e)}${keep()}`);
  } finally {
    await engine.close();
  }
}

function resumeFrom(s: LoopState, weights: ReturnType<typeof initWeights>, cp: Checkpoint, o: BackendRunOptions): void {
  if (cp.graphName !== o.graph.name) throw new Error(`resume: checkpoint is for model "${cp.graphName}", not "${o.graph.name}"`);
  if (cp.seed !== o.seed) throw new Error(`resume: checkpoint was made with seed ${cp.seed}, this run uses ${o.seed}`);
  if (cp.optimizer.kind !== o.optimizer.kind) throw new Error(`resume: checkpoint holds ${cp.optimizer.kind} state, this run uses ${o.optimizer.kind}`);
  copyWeightsInto(weights, cp.weights);
  s.epoch = cp.epoch;
  s.batchInEpoch = cp.batchInEpoch;
  s.step = cp.step;
  s.epochRngState = cp.epochRngState;
  s.optimizer = { kind: cp.optimizer.kind, t: cp.optimizer.t, slots: cp.optimizer.slots };
  s.history = cp.history.map((h) => ({ ...h }));
  s.progress = { ...cp.progress };
  s.lastCheckpointStep = cp.step;
}

function checkpointOf(s: LoopState, o: BackendRunOptions, weights: ReturnType<typeof initWeights>): Checkpoint {
  return {
    version: CHECKPOINT_VERSION,
    graphName: o.graph.name,
    epoch: s.epoch,
    batchInEpoch: s.batchInEpoch,
    step: s.step,
    seed: o.seed,
    epochRngState: s.epochRngState,
    weights,
    optimizer: s.optimizer,
    history: s.history.map((h) => ({ ...h })),
    progress: { ...s.progress },
  };
}
