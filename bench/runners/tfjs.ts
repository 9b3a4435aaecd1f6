/**
 * TensorFlow.js (npm `@tensorflow/tfjs`) on its pure-JavaScript `cpu` backend and on the
 * `wasm` backend (`@tensorflow/tfjs-backend-wasm`). The same architectures in the Layers API
 * (NHWC, tfjs's native layout), trained with trainOnBatch (momentum SGD 0.9, softmax
 * cross-entropy on logits), inferred with predict + dataSync. Prod mode is on (no debug checks,
 * no "install tfjs-node" banner). Where the wasm backend lacks a gradient kernel, training is
 * skipped with tfjs's own error message.
 */
import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';
import { performance } from 'node:perf_hooks';
import { affordableBatch, measure, reducedNote, syntheticBatch, toNhwc } from '../measure';
import { CLASSES, INPUT_SHAPES, type BenchContext, type BenchRow, type ModelName, type Runner, type RunnerResult, type SystemName } from '../types';

type Tf = typeof TF;
interface WasmBackend {
  getThreadsCount(): number;
}

const req = createRequire(import.meta.url);
let tfCache: Tf | null = null;

function loadTf(): Tf {
  if (!tfCache) {
    const tf: Tf = req('@tensorflow/tfjs');
    tf.enableProdMode();
    tfCache = tf;
  }
  return tfCache;
}

function loadWasm(): WasmBackend {
  const wasm: WasmBackend = req('@tensorflow/tfjs-backend-wasm');
  return wasm;
}

/** The three models in the Layers API, ending in logits. */
export function tfjsModel(tf: Tf, model: ModelName): TF.LayersModel {
  const [c, h, w] = INPUT_SHAPES[model];
  const conv = (filters: number, k: number, padding: 'same' | 'valid') => tf.layers.conv2d({ filters, kernelSize: k, padding, activation: 'relu' });
  const pool = () => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 });
  if (model === 'lenet5' || model === 'vgg-small') {
    const layers =
      model === 'lenet5'
        ? [conv(6, 5, 'same'), pool(), conv(16, 5, 'valid'), pool(), tf.layers.flatten(), tf.layers.dense({ units: 120, activation: 'relu' }), tf.layers.dense({ units: 84, activation: 'relu' })]
        : [conv(32, 3, 'same'), conv(32, 3, 'same'), pool(), conv(64, 3, 'same'), conv(64, 3, 'same'), pool(), tf.layers.flatten()];
    const m = tf.sequential();
    m.add(tf.layers.inputLayer({ inputShape: [h, w, c] }));
    for (const l of layers) m.add(l);
    m.add(tf.layers.dense({ units: CLASSES }));
    return m;
  }
  // ResNet-8: conv-BN-ReLU stem, basic blocks 16/32/64 (stride 2 + 1x1 projection in the last two), GAP, fc
  const input = tf.input({ shape: [h, w, c] });
  const convBn = (x: TF.SymbolicTensor, filters: number, k: number, stride: number, relu: boolean): TF.SymbolicTensor => {
    const y = tf.layers.conv2d({ filters, kernelSize: k, strides: stride, padding: 'same', useBias: false }).apply(x);
    const n = tf.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5 }).apply(y);
    return symbolic(relu ? tf.layers.reLU().apply(symbolic(n)) : n);
  };
  const block = (x: TF.SymbolicTensor, inC: number, outC: number, stride: number): TF.SymbolicTensor => {
    const c1 = convBn(x, outC, 3, stride, true);
    const c2 = convBn(c1, outC, 3, 1, false);
    const sc = inC === outC && stride === 1 ? x : convBn(x, outC, 1, stride, false);
    return symbolic(tf.layers.reLU().apply(symbolic(tf.layers.add().apply([c2, sc]))));
  };
  let x = convBn(input, 16, 3, 1, true);
  x = block(x, 16, 16, 1);
  x = block(x, 16, 32, 2);
  x = block(x, 32, 64, 2);
  const gap = symbolic(tf.layers.globalAveragePooling2d({}).apply(x));
  const out = symbolic(tf.layers.dense({ units: CLASSES }).apply(gap));
  return tf.model({ inputs: input, outputs: out });
}

function symbolic(v: TF.Tensor | TF.Tensor[] | TF.SymbolicTensor | TF.SymbolicTensor[]): TF.SymbolicTensor {
  if (Array.isArray(v) || !('sourceLayer' in v)) throw new Error('tfjs: expected one symbolic tensor');
  return v;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

export function tfjsRunner(backend: 'cpu' | 'wasm'): Runner {
  const system: SystemName = backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm';
  let threads = 1;
  return {
    system,
    async available() {
      try {
        const tf = loadTf();
        const wasm = backend === 'wasm' ? loadWasm() : null;
        if (!(await tf.setBackend(backend))) return `tfjs backend "${backend}" failed to initialise`;
        await tf.ready();
        if (wasm) threads = wasm.getThreadsCount();
        return null;
      } catch (e) {
        return `${backend === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs'}: ${firstLine(e)}`;
      }
    },
    async run(model: ModelName, ctx: BenchContext): Promise<RunnerResult> {
      const tf = loadTf();
      await tf.setBackend(backend);
      await tf.ready();
      const [c, h, w] = INPUT_SHAPES[model];
      const net = tfjsModel(tf, model);
      net.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: (yTrue: TF.Tensor, yPred: TF.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
      const batchOf = (n: number, seed: number) => {
        const d = syntheticBatch(model, n, seed);
        return { x: tf.tensor4d(toNhwc(d.x, n, c, h, w), [n, h, w, c]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(d.labels, 'int32'), CLASSES).toFloat()) };
      };
      const rows: BenchRow[] = [];
      const skipped: RunnerResult['skipped'] = [];
      const made: TF.Tensor[] = [];
      const batchKeep = (n: number, seed: number) => {
        const b = batchOf(n, seed);
        made.push(b.x, b.y);
        return b;
      };
      try {
        // probe at batch 2: can this backend train the model, and how long does an image take?
        const probe = batchKeep(2, 3);
        let trainSpi: number | null = null;
        try {
          await net.trainOnBatch(probe.x, probe.y);
          const t0 = performance.now();
          await net.trainOnBatch(probe.x, probe.y);
          trainSpi = (performance.now() - t0) / 1000 / 2;
        } catch (e) {
          skipped.push({ system, model, mode: 'train', reason: `tfjs ${backend} cannot train it: ${firstLine(e)}` });
        }
        if (trainSpi !== null) {
          const n = affordableBatch(ctx, trainSpi);
          const b = batchKeep(n, 1);
          rows.push(await measure({ model, system, mode: 'train', batch: n, threads, note: reducedNote(n, ctx) }, async () => {
            await net.trainOnBatch(b.x, b.y);
          }, ctx));
        }
        const infer = (x: TF.Tensor) => () => {
          const y = net.predict(x);
          const outs = Array.isArray(y) ? y : [y];
          const values = outs[0].dataSync();
          tf.dispose(outs);
          if (values.length !== x.shape[0] * CLASSES) throw new Error(`${system} ${model}: ${values.length} outputs`);
        };
        const one = batchKeep(1, 2);
        const latency = await measure({ model, system, mode: 'infer', batch: 1, threads, latency: true }, infer(one.x), ctx);
        const n = affordableBatch(ctx, 1 / latency.imagesPerSecond);
        const big = batchKeep(n, 1);
        rows.push(await measure({ model, system, mode: 'infer', batch: n, threads, note: reducedNote(n, ctx) }, infer(big.x), ctx));
        rows.push(latency);
      } finally {
        tf.dispose(made);
        net.dispose();
      }
      return { rows, skipped };
    },
  };
}
