/**
 * Exactness of the training-step graph, unit by unit, on real onnxruntime-node: one step from the
 * same weights and batch gives the same loss, gradients and updated params (running stats included)
 * as the core. Each unit sits behind a conv (so its input gradient is exercised) and before a
 * Flatten + Dense head.
 *
 * Tolerance 1e-4, normwise (max |ort - core| / max |core| per tensor): both sides are float32;
 * they sum in different orders (ORT's im2col/GEMM blocking and reductions vs the core's float64
 * statistics and its own GEMM), which costs a few ulp times sqrt(terms) -- measured <= 2e-6 here on
 * batches of a few samples -- and a normwise measure does not blow up on gradients that are near zero.
 */
import { describe, expect, it } from 'vitest';
import type { GraphNode, OptimizerConfig } from '../../../core/index';
import { graphOf, node } from '../../core/train/helpers';
import { Rng, buildTemplate, encodeModel, initWeights } from '../../../core/index';
import { compileTrainGraph, LABELS_INPUT, LOSS_OUTPUT, LR_INPUT, STEP_INPUT } from '../../../core/onnx/train-graph';
import { createSession, releaseSession, runSession, type BoundaryTensor } from '../../../main/ort/adapter';
import { normRelErr, stepBoth, worst } from './train-helpers';

const TOL = 1e-4;

/** x [2, 6, 6] -> conv 4@3x3 pad 1 (or `filters`) -> <unit nodes ending in "u"> -> flatten -> dense 3. */
function around(unit: GraphNode[], input: number[] = [2, 6, 6], filters = 4): ReturnType<typeof graphOf> {
  // A bias straight before BatchNorm has a gradient that is zero in exact arithmetic (BatchNorm removes
  // the mean), so both sides return rounding noise there -- and Adam would turn that noise into full-size
  // steps. As in ConvLab's own blocks (convBn), convs that feed BatchNorm have no bias.
  const feedsBn = unit.some((n) => n.op === 'BatchNorm');
  return graphOf(
    'unit',
    [node('x', 'Input', [], { shape: input }), node('pre', 'Conv2D', ['x'], { filters, kernel: 3, pads: 1, bias: !feedsBn }), ...unit, node('flat', 'Flatten', ['u']), node('head', 'Dense', ['flat'], { units: 3 })],
    ['head'],
  );
}

const cases: [string, GraphNode[]][] = [
  ['Conv2D stride 2, pads, bias', [node('u', 'Conv2D', ['pre'], { filters: 3, kernel: 3, stride: 2, pads: [1, 0, 1, 1] })]],
  ['Conv2D dilation 2, groups 2, no bias', [node('u', 'Conv2D', ['pre'], { filters: 6, kernel: 2, dilation: 2, groups: 2, bias: false })]],
  ['Conv2D depthwise, same padding, stride 2', [node('u', 'Conv2D', ['pre'], { filters: 4, kernel: 3, stride: 2, groups: 4, autoPad: 'same' })]],
  ['Conv2D ceil mode', [node('u', 'Conv2D', ['pre'], { filters: 2, kernel: 2, stride: 2, pads: [0, 0, 1, 1], ceil: true })]],
  ['Conv2D 1x3 kernel', [node('u', 'Conv2D', ['pre'], { filters: 3, kernel: [1, 3], stride: [2, 1] })]],
  ['MaxPool2D 2x2', [node('u', 'MaxPool2D', ['pre'], { kernel: 2, stride: 2 })]],
  ['MaxPool2D 3x3 stride 2 pad 1 (overlapping)', [node('u', 'MaxPool2D', ['pre'], { kernel: 3, stride: 2, pads: 1 })]],
  ['MaxPool2D ceil mode, dilation', [node('u', 'MaxPool2D', ['pre'], { kernel: 2, stride: 2, dilation: 2, ceil: true })]],
  ['MaxPool2D after ReLU (ties at zero)', [node('r', 'ReLU', ['pre']), node('u', 'MaxPool2D', ['r'], { kernel: 2, stride: 2 })]],
  ['AvgPool2D 2x2', [node('u', 'AvgPool2D', ['pre'], { kernel: 2, stride: 2 })]],
  ['AvgPool2D 3x3 pad 1, count excludes pad', [node('u', 'AvgPool2D', ['pre'], { kernel: 3, stride: 2, pads: 1 })]],
  ['AvgPool2D 3x3 pad 1, count includes pad', [node('u', 'AvgPool2D', ['pre'], { kernel: 3, stride: 2, pads: 1, countIncludePad: true })]],
  ['AvgPool2D ceil mode', [node('u', 'AvgPool2D', ['pre'], { kernel: 4, stride: 4, ceil: true })]],
  ['GlobalAvgPool', [node('u', 'GlobalAvgPool', ['pre'])]],
  ['BatchNorm 4-d', [node('u', 'BatchNorm', ['pre'], { epsilon: 1e-3, momentum: 0.8 })]],
  ['BatchNorm 2-d (after Dense)', [node('f0', 'Flatten', ['pre']), node('d0', 'Dense', ['f0'], { units: 5, bias: false }), node('u', 'BatchNorm', ['d0'])]],
  ['Dense without bias, ReLU', [node('f0', 'Flatten', ['pre']), node('d0', 'Dense', ['f0'], { units: 5, bias: false }), node('u', 'ReLU', ['d0'])]],
  ['ReLU', [node('u', 'ReLU', ['pre'])]],
  ['LeakyReLU', [node('u', 'LeakyReLU', ['pre'], { alpha: 0.2 })]],
  ['Sigmoid', [node('u', 'Sigmoid', ['pre'])]],
  ['Tanh', [node('u', 'Tanh', ['pre'])]],
  ['Identity', [node('u', 'Identity', ['pre'])]],
  ['Reshape', [node('u', 'Reshape', ['pre'], { shape: [2, 72] })]],
  ['Dropout 0.3 (mask from the core RNG)', [node('u', 'Dropout', ['pre'], { rate: 0.3 })]],
  ['Add with fan-out (residual)', [node('a1', 'Conv2D', ['pre'], { filters: 4, kernel: 3, pads: 1 }), node('u', 'Add', ['a1', 'pre'])]],
  ['Add of three', [node('a1', 'Tanh', ['pre']), node('a2', 'Sigmoid', ['pre']), node('u', 'Add', ['a1', 'a2', 'pre'])]],
  ['Mul', [node('a1', 'Conv2D', ['pre'], { filters: 4, kernel: 1 }), node('u', 'Mul', ['a1', 'pre'])]],
  ['ELU', [node('u', 'ELU', ['pre'], { alpha: 0.7 })]],
  ['SELU', [node('u', 'SELU', ['pre'])]],
  ['Softplus', [node('u', 'Softplus', ['pre'])]],
  ['Softsign', [node('u', 'Softsign', ['pre'])]],
  ['Abs', [node('u', 'Abs', ['pre'])]],
  ['Exp', [node('t', 'Tanh', ['pre']), node('u', 'Exp', ['t'])]],
  ['Neg', [node('u', 'Neg', ['pre'])]],
  ['GELU', [node('u', 'GELU', ['pre'])]],
  ['Sub', [node('a1', 'Conv2D', ['pre'], { filters: 4, kernel: 1 }), node('u', 'Sub', ['a1', 'pre'])]],
  ['Div', [node('a1', 'Conv2D', ['pre'], { filters: 4, kernel: 1 }), node('s', 'Sigmoid', ['pre']), node('d', 'Add', ['s', 's']), node('u', 'Div', ['a1', 'd'])]],
  ['Softmax (channels)', [node('u', 'Softmax', ['pre'], { axis: 1 })]],
  // Tanh first: a per-channel bias is a constant shift along the last axis, which LogSoftmax ignores (zero gradient).
  ['LogSoftmax (last axis)', [node('t', 'Tanh', ['pre']), node('u', 'LogSoftmax', ['t'])]],
  ['Transpose', [node('u', 'Transpose', ['pre'], { perm: [0, 2, 3, 1] })]],
  ['ChannelShuffle', [node('u', 'ChannelShuffle', ['pre'], { groups: 2 })]],
  ['Concat (channels) with a branch', [node('a1', 'Conv2D', ['pre'], { filters: 3, kernel: 1 }), node('u', 'Concat', ['a1', 'pre'], { axis: 1 })]],
];

/**
 * Convs with 8+ channels take the faster formulations (input gradient as a Conv with the flipped
 * weight when stride 1 and channels are multiples of 8; weight-gradient columns from a one-hot
 * depthwise Conv when C >= 8): the pre conv has 8 filters here.
 */
const wideCases: [string, GraphNode[]][] = [
  ['wide Conv2D 8->8 3x3 pad 1 (dx as flipped Conv, one-hot columns)', [node('u', 'Conv2D', ['pre'], { filters: 8, kernel: 3, pads: 1 })]],
  ['wide Conv2D 8->16 3x3 dilation 2, uneven pads', [node('u', 'Conv2D', ['pre'], { filters: 16, kernel: 3, dilation: 2, pads: [2, 1, 0, 2], bias: false })]],
  ['wide Conv2D 8->8 2x3 kernel, pads [0, 2, 1, 0]', [node('u', 'Conv2D', ['pre'], { filters: 8, kernel: [2, 3], pads: [0, 2, 1, 0] })]],
  ['wide Conv2D 8->8 3x3 stride 2 ceil mode (ConvTranspose dx, one-hot columns)', [node('u', 'Conv2D', ['pre'], { filters: 8, kernel: 3, stride: 2, pads: [0, 0, 1, 1], ceil: true })]],
  ['wide Conv2D 8->12 1x1 (columns are the input)', [node('u', 'Conv2D', ['pre'], { filters: 12, kernel: 1 })]],
  ['wide Conv2D 8->6 3x3 (dx by ConvTranspose: 6 filters)', [node('u', 'Conv2D', ['pre'], { filters: 6, kernel: 3, pads: 1 })]],
  ['wide Conv2D groups 2, 8->8', [node('u', 'Conv2D', ['pre'], { filters: 8, kernel: 3, pads: 1, groups: 2 })]],
];

describe('training step on ONNX Runtime vs the core, per unit (SGD momentum)', () => {
  const sgd: OptimizerConfig = { kind: 'sgd', momentum: 0.9, weightDecay: 1e-3 };
  for (const [name, unit, filters] of [...cases.map(([n, u]): [string, GraphNode[], number] => [n, u, 4]), ...wideCases.map(([n, u]): [string, GraphNode[], number] => [n, u, 8])]) {
    it(name, async () => {
      const r = await stepBoth(around(unit, [2, 6, 6], filters), sgd, { n: 3, steps: 2 });
      expect(Math.abs(r.ort.loss - r.core.loss) / Math.abs(r.core.loss)).toBeLessThan(TOL);
      const g = worst(r.ort.grads, r.core.grads);
      expect(g.err, `gradient ${g.key}`).toBeLessThan(TOL);
      const w = worst(r.ort.weights, r.core.weights);
      expect(w.err, `updated ${w.key}`).toBeLessThan(TOL);
      // The update did something: weights moved away from the start.
      expect(Object.keys(r.ort.grads).length).toBeGreaterThan(1);
    });
  }

  it('Conv1D and MaxPool1D / AvgPool1D', async () => {
    const g = graphOf(
      'seq',
      [
        node('x', 'Input', [], { shape: [2, 12] }),
        node('c', 'Conv1D', ['x'], { filters: 4, kernel: 3, stride: 1, pads: 1 }),
        node('m', 'MaxPool1D', ['c'], { kernel: 2 }),
        node('c2', 'Conv1D', ['m'], { filters: 4, kernel: 2, dilation: 2 }),
        node('a', 'AvgPool1D', ['c2'], { kernel: 2 }),
        node('f', 'Flatten', ['a']),
        node('d', 'Dense', ['f'], { units: 3 }),
      ],
      ['d'],
    );
    const r = await stepBoth(g, { kind: 'adam' }, { n: 3 });
    expect(worst(r.ort.grads, r.core.grads).err).toBeLessThan(TOL);
    expect(worst(r.ort.weights, r.core.weights).err).toBeLessThan(TOL);
  });

  it('Conv3D and MaxPool3D', async () => {
    const g = graphOf(
      'vol',
      [
        node('x', 'Input', [], { shape: [1, 4, 4, 4] }),
        node('c', 'Conv3D', ['x'], { filters: 2, kernel: 3, pads: 1 }),
        node('c2', 'Conv3D', ['c'], { filters: 2, kernel: 2, stride: 2 }),
        node('m', 'MaxPool3D', ['c'], { kernel: 2 }),
        node('s', 'Add', ['c2', 'm']),
        node('f', 'Flatten', ['s']),
        node('d', 'Dense', ['f'], { units: 3 }),
      ],
      ['d'],
    );
    const r = await stepBoth(g, { kind: 'sgd' }, { n: 2 });
    expect(worst(r.ort.grads, r.core.grads).err).toBeLessThan(TOL);
    expect(worst(r.ort.weights, r.core.weights).err).toBeLessThan(TOL);
  });
});

describe('wide Conv1D and Conv3D (the fast formulations at ranks 1 and 3)', () => {
  it('Conv1D 8 channels: flipped-Conv dx with dilation, one-hot columns with stride', async () => {
    const g = graphOf(
      'seq8',
      [
        node('x', 'Input', [], { shape: [3, 14] }),
        node('c', 'Conv1D', ['x'], { filters: 8, kernel: 3, pads: 1 }),
        node('c2', 'Conv1D', ['c'], { filters: 8, kernel: 3, dilation: 2, pads: [2, 1] }),
        node('c3', 'Conv1D', ['c2'], { filters: 8, kernel: 3, stride: 2 }),
        node('f', 'Flatten', ['c3']),
        node('d', 'Dense', ['f'], { units: 3 }),
      ],
      ['d'],
    );
    const r = await stepBoth(g, { kind: 'sgd', momentum: 0.9 }, { n: 3, steps: 2 });
    expect(worst(r.ort.grads, r.core.grads).err).toBeLessThan(TOL);
    expect(worst(r.ort.weights, r.core.weights).err).toBeLessThan(TOL);
  });

  it('Conv3D 8 channels: flipped-Conv dx, one-hot columns', async () => {
    const g = graphOf(
      'vol8',
      [
        node('x', 'Input', [], { shape: [2, 4, 4, 4] }),
        node('c', 'Conv3D', ['x'], { filters: 8, kernel: 3, pads: 1 }),
        node('c2', 'Conv3D', ['c'], { filters: 8, kernel: [2, 3, 3], pads: [1, 1, 1, 0, 1, 1] }),
        node('f', 'Flatten', ['c2']),
        node('d', 'Dense', ['f'], { units: 3 }),
      ],
      ['d'],
    );
    const r = await stepBoth(g, { kind: 'sgd' }, { n: 2 });
    expect(worst(r.ort.grads, r.core.grads).err).toBeLessThan(TOL);
    expect(worst(r.ort.weights, r.core.weights).err).toBeLessThan(TOL);
  });
});

describe('optimizers and labels in the graph', () => {
  const unit = [node('b', 'BatchNorm', ['pre']), node('u', 'ReLU', ['b'])];
  const configs: [string, OptimizerConfig][] = [
    ['plain SGD', { kind: 'sgd' }],
    ['SGD nesterov + weight decay', { kind: 'sgd', momentum: 0.8, nesterov: true, weightDecay: 0.01 }],
    ['Adam + L2', { kind: 'adam', weightDecay: 0.01 }],
    ['AdamW', { kind: 'adamw', weightDecay: 0.05, beta1: 0.8, beta2: 0.99 }],
  ];
  for (const [name, cfg] of configs) {
    it(`${name}: three steps stay with the core`, async () => {
      const r = await stepBoth(around(unit), cfg, { n: 4, steps: 3, lr: 0.01 });
      expect(Math.abs(r.ort.loss - r.core.loss) / r.core.loss).toBeLessThan(TOL);
      expect(worst(r.ort.weights, r.core.weights).err).toBeLessThan(TOL);
    });
  }

  it('one-hot float labels and label smoothing give the same step', async () => {
    const r = await stepBoth(around(unit), { kind: 'sgd', momentum: 0.9 }, { n: 4, labels: 'onehot', smoothing: 0.1 });
    expect(Math.abs(r.ort.loss - r.core.loss) / r.core.loss).toBeLessThan(TOL);
    expect(worst(r.ort.grads, r.core.grads).err).toBeLessThan(TOL);
  });
});

describe('opsets', () => {
  /** One step of resnet8 (BatchNorm, residual adds, stride-2 convs) compiled at `opset`: loss and debug gradients. */
  async function stepAt(opset: number): Promise<Record<string, Float32Array>> {
    const g = buildTemplate('resnet8');
    const c = compileTrainGraph(g, { optimizer: { kind: 'sgd', momentum: 0.9 }, debugGradients: true, opset });
    const w = initWeights(g, new Rng(4), { batch: 1 });
    const rng = new Rng(9);
    const n = 3;
    const feeds: Record<string, BoundaryTensor> = {
      [c.input]: { shape: [n, ...c.sampleShape], data: Float32Array.from({ length: n * c.sampleShape.reduce((a, d) => a * d, 1) }, () => rng.next() - 0.5) },
      [LABELS_INPUT]: { shape: [n], data: BigInt64Array.from([1n, 7n, 3n]) },
      [LR_INPUT]: { shape: [], data: Float32Array.of(0.01) },
      [STEP_INPUT]: { shape: [], data: Float32Array.of(1) },
    };
    for (const p of c.params) {
      feeds[p.input] = { shape: p.shape, data: w[p.node][p.param].data };
      for (const s of p.slots) feeds[s.input] = { shape: p.shape, data: new Float32Array(p.shape.reduce((a, d) => a * d, 1)) };
    }
    const h = await createSession(encodeModel(c.model), { intraOpThreads: 1 });
    try {
      const out = await runSession(h, feeds);
      const keep: Record<string, Float32Array> = {};
      for (const name of [LOSS_OUTPUT, ...c.params.flatMap((p) => (p.grad ? [p.grad] : []))]) {
        const v = out[name]?.data;
        if (!(v instanceof Float32Array)) throw new Error(`no output ${name} at opset ${opset}`);
        keep[name] = v;
      }
      return keep;
    } finally {
      await releaseSession(h);
    }
  }

  it('the step graph builds and gives the same loss and gradients at opsets 17, 18 (reduction axes as inputs) and 21', async () => {
    const base = await stepAt(17);
    expect(Object.keys(base).length).toBeGreaterThan(10);
    for (const opset of [18, 21]) {
      const other = await stepAt(opset);
      expect(Object.keys(other)).toEqual(Object.keys(base));
      for (const [k, v] of Object.entries(base)) expect(normRelErr(other[k], v), `${k} at opset ${opset}`).toBeLessThan(1e-6);
    }
  });
});
