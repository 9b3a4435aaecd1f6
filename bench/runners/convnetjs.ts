/**
 * ConvNetJS (Karpathy's pure-JavaScript CNN library, npm `convnetjs`): the same architectures in
 * its layer API, SGD with momentum 0.9 through its Trainer (weights update every 64 samples, so
 * one train iteration = 64 `train` calls), inference one sample at a time as its API works.
 * It has no BatchNorm and no residual connections, so ResNet-8 is skipped.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { affordableBatch, measure, reducedNote, syntheticBatch, toNhwc } from '../measure';
import { CLASSES, INPUT_SHAPES, type BenchContext, type BenchRow, type ModelName, type Runner, type RunnerResult } from '../types';

interface Vol {
  w: Float64Array | Float32Array | number[];
}
type LayerDef = Record<string, string | number>;
interface Net {
  makeLayers(defs: LayerDef[]): void;
  forward(v: Vol, training?: boolean): Vol;
}
interface Trainer {
  train(v: Vol, label: number): unknown;
}
interface ConvNetJs {
  Vol: new (sx: number, sy: number, depth: number, fill?: number) => Vol;
  Net: new () => Net;
  Trainer: new (net: Net, opts: { method: string; learning_rate: number; momentum: number; batch_size: number; l2_decay: number }) => Trainer;
}

function load(): ConvNetJs {
  const cnj: ConvNetJs = createRequire(import.meta.url)('convnetjs');
  return cnj;
}

export function convnetjsLayers(model: ModelName): LayerDef[] | null {
  const [c, h, w] = INPUT_SHAPES[model];
  const input: LayerDef = { type: 'input', out_sx: w, out_sy: h, out_depth: c };
  const conv = (filters: number, k: number, pad: number): LayerDef => ({ type: 'conv', sx: k, filters, stride: 1, pad, activation: 'relu' });
  const pool: LayerDef = { type: 'pool', sx: 2, stride: 2 };
  const softmax: LayerDef = { type: 'softmax', num_classes: CLASSES };
  if (model === 'lenet5') {
    return [input, conv(6, 5, 2), pool, conv(16, 5, 0), pool, { type: 'fc', num_neurons: 120, activation: 'relu' }, { type: 'fc', num_neurons: 84, activation: 'relu' }, softmax];
  }
  if (model === 'vgg-small') return [input, conv(32, 3, 1), conv(32, 3, 1), pool, conv(64, 3, 1), conv(64, 3, 1), pool, softmax];
  return null;
}

export function convnetjsRunner(): Runner {
  return {
    system: 'convnetjs',
    async available() {
      try {
        load();
        return null;
      } catch (e) {
        return `npm package convnetjs is not installed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
      }
    },
    async run(model: ModelName, ctx: BenchContext): Promise<RunnerResult> {
      const layers = convnetjsLayers(model);
      if (!layers) return { rows: [], skipped: [{ system: 'convnetjs', model, reason: 'ConvNetJS has no BatchNorm and no residual add' }] };
      const cnj = load();
      const net = new cnj.Net();
      net.makeLayers(layers);
      const trainer = new cnj.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: ctx.batch, l2_decay: 0 });
      const [c, h, w] = INPUT_SHAPES[model];
      const vols = (batch: number, seed: number): { vols: Vol[]; labels: Int32Array } => {
        const data = syntheticBatch(model, batch, seed);
        const nhwc = toNhwc(data.x, batch, c, h, w);
        const per = c * h * w;
        const out: Vol[] = [];
        for (let i = 0; i < batch; i++) {
          const v = new cnj.Vol(w, h, c, 0);
          for (let j = 0; j < per; j++) v.w[j] = nhwc[i * per + j];
          out.push(v);
        }
        return { vols: out, labels: data.labels };
      };
      const rows: BenchRow[] = [];
      // probe: one warm sample, then the time per trained image decides the affordable batch
      const probe = vols(2, 3);
      trainer.train(probe.vols[0], probe.labels[0]);
      const t0 = performance.now();
      trainer.train(probe.vols[1], probe.labels[1]);
      const n = affordableBatch(ctx, (performance.now() - t0) / 1000);
      const trainer2 = n === ctx.batch ? trainer : new cnj.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: n, l2_decay: 0 });
      const big = vols(n, 1);
      rows.push(
        await measure({ model, system: 'convnetjs', mode: 'train', batch: n, threads: 1, note: reducedNote(n, ctx) }, () => {
          for (let i = 0; i < big.vols.length; i++) trainer2.train(big.vols[i], big.labels[i]);
        }, ctx),
      );
      const inferAll = (vs: Vol[]) => () => {
        for (const v of vs) {
          const out = net.forward(v, false);
          if (out.w.length !== CLASSES) throw new Error(`convnetjs ${model}: ${out.w.length} outputs`);
        }
      };
      const latency = await measure({ model, system: 'convnetjs', mode: 'infer', batch: 1, threads: 1, latency: true }, inferAll(vols(1, 2).vols), ctx);
      const m = affordableBatch(ctx, 1 / latency.imagesPerSecond);
      const inferBatch = m === n ? big : vols(m, 1);
      rows.push(await measure({ model, system: 'convnetjs', mode: 'infer', batch: m, threads: 1, note: reducedNote(m, ctx) }, inferAll(inferBatch.vols), ctx));
      rows.push(latency);
      return { rows, skipped: [] };
    },
  };
}
