import { describe, expect, it } from 'vitest';
import { analyzeGraph, assertValid, type GraphAnalysis } from '../../../core/graph/analyze';
import { buildTemplate, hasTemplate, listTemplates } from '../../../core/layers/templates';
import { TemplateError } from '../../../core/layers/template';
import { graphToJson, parseGraphJson } from '../../../core/graph/json';
import { checkWeights, countWeights, initWeights } from '../../../core/graph/weights';
import { summarizeGraph } from '../../../core/graph/summary';
import { Rng } from '../../../core/tensor/rng';

const analyse = (name: string, options = {}): GraphAnalysis => assertValid(buildTemplate(name, options));
const params = (a: GraphAnalysis, node: string): number => a.byName.get(node)?.paramCount.total ?? -1;
const shape = (a: GraphAnalysis, node: string) => a.byName.get(node)?.outputShape;

describe('template library', () => {
  it('lists every template from the issue with its default input', () => {
    const names = listTemplates().map((t) => t.name);
    for (const n of ['lenet5', 'vgg-small', 'vgg-stack', 'inception', 'resnet-basic', 'resnet-bottleneck', 'resnet8', 'highway', 'densenet', 'resnext', 'mobilenet', 'shufflenet', 'c3d', 'gcn', 'resnet-nonlocal']) {
      expect(names).toContain(n);
      expect(hasTemplate(n)).toBe(true);
    }
    const lenet = listTemplates().find((t) => t.name === 'lenet5');
    expect(lenet?.input).toEqual([1, 28, 28]);
    expect(listTemplates().find((t) => t.name === 'gcn')?.inputs.map((i) => i.name)).toEqual(['features', 'adjacency']);
  });

  it('every template builds with defaults and its input nodes match the listed inputs', () => {
    for (const t of listTemplates()) {
      const g = buildTemplate(t.name);
      const inputs = g.nodes.filter((n) => n.op === 'Input');
      expect(inputs.map((n) => n.name)).toEqual(t.inputs.map((i) => i.name));
      expect(inputs[0].attrs.shape).toEqual(t.input);
    }
  });

  it('every template validates, gets weights matching its param count, and round-trips through JSON', () => {
    for (const t of listTemplates()) {
      const g = buildTemplate(t.name);
      const a = analyzeGraph(g);
      expect(a.errors.map((e) => e.message), t.name).toEqual([]);
      const w = initWeights(g, new Rng(5));
      expect(countWeights(w), t.name).toBe(a.totals.params.total);
      const back = parseGraphJson(graphToJson(g, w));
      expect(back.graph, t.name).toEqual(g);
      expect(checkWeights(back.graph, back.weights ?? {}), t.name).toEqual([]);
      expect(summarizeGraph(g).rows.length, t.name).toBe(g.nodes.length);
    }
  });

  it('refuses unknown templates and bad options with a reason', () => {
    expect(() => buildTemplate('alexnet')).toThrow(/unknown template "alexnet"/);
    expect(() => buildTemplate('lenet5', { depth: 3 })).toThrow(/no option "depth".*activation/);
    expect(() => buildTemplate('lenet5', { activation: 'swish' })).toThrow(/one of relu, tanh/);
    expect(() => buildTemplate('lenet5', { classes: '10' })).toThrow(TemplateError);
    expect(() => buildTemplate('lenet5', { classes: 0 })).toThrow(/>= 1/);
    expect(() => buildTemplate('lenet5', { classes: 2.5 })).toThrow(/integer/);
  });
});

describe('LeNet-5', () => {
  it('has exactly 61,706 parameters and the classic shapes', () => {
    for (const activation of ['relu', 'tanh']) {
      const a = analyse('lenet5', { activation });
      expect(a.totals.params.total).toBe(61706);
      expect(a.totals.params.nonTrainable).toBe(0);
    }
    const a = analyse('lenet5');
    expect([params(a, 'c1'), params(a, 'c3'), params(a, 'f5'), params(a, 'f6'), params(a, 'output')]).toEqual([156, 2416, 48120, 10164, 850]);
    expect(shape(a, 'c1')).toEqual([1, 6, 28, 28]);
    expect(shape(a, 's2')).toEqual([1, 6, 14, 14]);
    expect(shape(a, 'c3')).toEqual([1, 16, 10, 10]);
    expect(shape(a, 's4')).toEqual([1, 16, 5, 5]);
    expect(shape(a, 'flatten')).toEqual([1, 400]);
    expect(shape(a, 'output')).toEqual([1, 10]);
    // RF: 5, pool -> 6 (jump 2), 5x5 at jump 2 -> 14, pool -> 16 (jump 4).
    expect(a.byName.get('c3')?.rf).toEqual({ size: 14, jump: 2, axes: [{ size: 14, jump: 2 }, { size: 14, jump: 2 }] });
    expect(a.byName.get('s4')?.rf).toMatchObject({ size: 16, jump: 4 });
    expect(a.byName.get('f5')?.rf).toBeNull();
    // conv FLOPs: 2 * (6*28*28 outputs) * (1*5*5 MACs) (+ bias adds, counted by the op or not)
    const c1 = a.byName.get('c1')?.flops ?? 0;
    expect(c1).toBeGreaterThanOrEqual(2 * 6 * 28 * 28 * 25);
    expect(c1).toBeLessThanOrEqual(2 * 6 * 28 * 28 * 25 + 6 * 28 * 28);
    expect(analyse('lenet5', { pool: 'avg' }).totals.params.total).toBe(61706);
  });

  it('scales FLOPs and activations with the batch, not params', () => {
    const g = buildTemplate('lenet5');
    const a1 = analyzeGraph(g, { batch: 1 });
    const a64 = analyzeGraph(g, { batch: 64 });
    expect(a64.totals.params).toEqual(a1.totals.params);
    expect(a64.totals.flops).toBe(64 * a1.totals.flops);
    expect(a64.totals.memory.activationBytes).toBe(64 * a1.totals.memory.activationBytes);
    expect(a64.byName.get('output')?.outputShape).toEqual([64, 10]);
  });
});

describe('VGG', () => {
  it('vgg-small: shapes and 106,538 params', () => {
    const a = analyse('vgg-small');
    expect(shape(a, 'pool1')).toEqual([1, 32, 16, 16]);
    expect(shape(a, 'pool2')).toEqual([1, 64, 8, 8]);
    expect(shape(a, 'fc')).toEqual([1, 10]);
    // 896 + 9,248 + 18,496 + 36,928 + 40,970
    expect(a.totals.params.total).toBe(106538);
  });

  it('3 stacked 3x3 convs: same 7x7 receptive field as one 7x7, 27C^2 vs 49C^2 params', () => {
    for (const c of [64, 8]) {
      const a = analyse('vgg-stack', { channels: c });
      expect(a.byName.get('stack3x3')?.rf).toMatchObject({ size: 7, jump: 1 });
      expect(a.byName.get('single7x7')?.rf).toMatchObject({ size: 7, jump: 1 });
      expect(a.byName.get('stack_conv1')?.rf?.size).toBe(3);
      expect(a.byName.get('stack_conv2')?.rf?.size).toBe(5);
      const stack = params(a, 'stack_conv1') + params(a, 'stack_conv2') + params(a, 'stack_conv3');
      expect(stack).toBe(27 * c * c);
      expect(params(a, 'single_conv7x7')).toBe(49 * c * c);
      expect(shape(a, 'stack3x3')).toEqual(shape(a, 'single7x7'));
    }
  });
});

describe('blocks', () => {
  it('inception: four paths concatenated; 5x5 path sees a 5x5 field; factorised variant', () => {
    const a = analyse('inception');
    expect(shape(a, 'concat')).toEqual([1, 64 + 128 + 32 + 32, 28, 28]);
    expect(a.byName.get('b3_3x3b')?.rf?.size).toBe(5);
    const f = analyse('inception', { factorized: true });
    expect(shape(f, 'concat')).toEqual([1, 256, 28, 28]);
    expect(shape(f, 'b2_3x3_1x3')).toEqual([1, 128, 28, 28]);
    // per-axis receptive field: 1x3 widens W only, then 3x1 widens H: a 3x3 field, as the 3x3 conv has
    expect(f.byName.get('b2_3x3_1x3')?.rf?.axes).toEqual([{ size: 1, jump: 1 }, { size: 3, jump: 1 }]);
    expect(f.byName.get('b2_3x3_3x1')?.rf?.axes).toEqual([{ size: 3, jump: 1 }, { size: 3, jump: 1 }]);
    expect(f.byName.get('b3_3x3b_3x1')?.rf?.size).toBe(5);
    // 1x3 + 3x1 (96->128->128) vs one 3x3 (96->128), biases included
    expect(params(f, 'b2_3x3_1x3') + params(f, 'b2_3x3_3x1')).toBe(96 * 3 * 128 + 128 + 128 * 3 * 128 + 128);
    expect(params(a, 'b2_3x3')).toBe(96 * 9 * 128 + 128);
    expect(analyse('inception', { classes: 10 }).byName.get('head_fc')?.outputShape).toEqual([1, 10]);
  });

  it('resnet basic and bottleneck blocks keep or project the shortcut', () => {
    const id = analyse('resnet-basic');
    expect(shape(id, 'block_out')).toEqual([1, 64, 32, 32]);
    expect(id.byName.has('block_proj')).toBe(false);
    const pr = analyse('resnet-basic', { out: 128, stride: 2 });
    expect(shape(pr, 'block_out')).toEqual([1, 128, 16, 16]);
    expect(params(pr, 'block_proj')).toBe(64 * 128);
    const bn = analyse('resnet-bottleneck');
    expect(shape(bn, 'block_out')).toEqual([1, 256, 32, 32]);
    expect(params(bn, 'block_reduce') + params(bn, 'block_conv3x3') + params(bn, 'block_expand')).toBe(256 * 64 + 64 * 9 * 64 + 64 * 256);
  });

  it('resnet8: 78,714 params (672 BatchNorm running stats), 10 logits', () => {
    const a = analyse('resnet8');
    expect(shape(a, 'stage1_out')).toEqual([1, 16, 32, 32]);
    expect(shape(a, 'stage2_out')).toEqual([1, 32, 16, 16]);
    expect(shape(a, 'stage3_out')).toEqual([1, 64, 8, 8]);
    expect(shape(a, 'head_fc')).toEqual([1, 10]);
    expect(a.totals.params).toEqual({ trainable: 78042, nonTrainable: 672, total: 78714 });
    expect(a.nodes.filter((n) => n.op === 'Conv2D').length).toBe(9); // 7 + 2 projections
    // stem 3; stage1 +2 +2 (jump 1); stage2 conv1 +2 then jump 2, conv2 +4; stage3 conv1 +4 then jump 4, conv2 +8
    expect(a.byName.get('stage3_out')?.rf).toMatchObject({ size: 3 + 2 + 2 + 2 + 4 + 4 + 8, jump: 4 });
    expect(a.byName.get('head_gap')?.rf).toBeNull();
  });

  it('highway: y = T*H + (1-T)*x from Sigmoid/Neg/Mul/Add', () => {
    const a = analyse('highway', { layers: 2 });
    expect(shape(a, 'hw2_out')).toEqual([1, 32, 16, 16]);
    expect(a.byName.get('hw1_out')?.inputs).toEqual(['hw1_TH', 'hw1_Cx']);
    expect(a.byName.get('hw1_Cx')?.inputs).toEqual(['hw1_carry', 'input']);
    expect(a.byName.get('hw1_carry')?.op).toBe('Sigmoid');
    expect(a.byName.get('hw1_neg')?.inputs).toEqual(['hw1_gate']);
  });

  it('densenet: C + L*k channels', () => {
    expect(shape(analyse('densenet'), 'dense_layer4_concat')).toEqual([1, 64 + 4 * 12, 32, 32]);
    expect(shape(analyse('densenet', { layers: 3, growth: 32, bottleneck: false }), 'dense_layer3_concat')).toEqual([1, 64 + 96, 32, 32]);
  });

  it('resnext: cardinality 32 via grouped conv, 32x fewer weights than dense 3x3', () => {
    const a = analyse('resnext');
    expect(shape(a, 'block_out')).toEqual([1, 256, 16, 16]);
    expect(params(a, 'block_grouped')).toBe((128 * 128 * 9) / 32);
    expect(params(analyse('resnext', { cardinality: 8, width: 16 }), 'block_grouped')).toBe((128 * 128 * 9) / 8);
  });

  it('mobilenet: K*K*M + M*N vs K*K*M*N', () => {
    for (const [m, n, k] of [[32, 64, 3], [16, 24, 5]]) {
      const sep = analyse('mobilenet', { channels: m, out: n, kernel: k });
      const std = analyse('mobilenet', { channels: m, out: n, kernel: k, variant: 'standard' });
      expect(params(sep, 'sep_depthwise')).toBe(k * k * m);
      expect(params(sep, 'sep_pointwise')).toBe(m * n);
      expect(params(std, 'standard')).toBe(k * k * m * n);
      expect(shape(sep, 'sep_pointwise_relu')).toEqual(shape(std, 'standard_relu'));
    }
  });

  it('shufflenet: grouped 1x1, shuffle, depthwise; stride 2 concatenates', () => {
    const a = analyse('shufflenet');
    expect(shape(a, 'unit_out')).toEqual([1, 240, 28, 28]);
    expect(params(a, 'unit_gconv1')).toBe((240 / 3) * 60);
    expect(params(a, 'unit_depthwise')).toBe(60 * 9);
    expect(a.byName.get('unit_shuffle')?.op).toBe('ChannelShuffle');
    const s2 = analyse('shufflenet', { stride: 2, out: 480 });
    expect(shape(s2, 'unit_out')).toEqual([1, 480, 14, 14]);
  });
});

describe('video, graphs, attention', () => {
  it('c3d: clips 3x8x32x32 through Conv3D', () => {
    const a = analyse('c3d');
    expect(shape(a, 'conv1')).toEqual([1, 32, 8, 32, 32]);
    expect(shape(a, 'pool1')).toEqual([1, 32, 8, 16, 16]);
    expect(shape(a, 'pool3')).toEqual([1, 128, 2, 4, 4]);
    expect(shape(a, 'fc')).toEqual([1, 10]);
    expect(params(a, 'conv1')).toBe(3 * 27 * 32 + 32);
  });

  it('gcn: node classifier on features + adjacency', () => {
    const a = analyse('gcn');
    expect(shape(a, 'features')).toEqual([34, 34]);
    expect(shape(a, 'adjacency')).toEqual([34, 34]);
    expect(shape(a, 'gc2')).toEqual([34, 4]);
    // the batch option does not change the node count
    expect(analyzeGraph(buildTemplate('gcn'), { batch: 8 }).byName.get('gc2')?.outputShape).toEqual([34, 4]);
  });

  it('resnet-nonlocal: a NonLocal block at 16x16', () => {
    const a = analyse('resnet-nonlocal');
    expect(shape(a, 'nonlocal')).toEqual([1, 32, 16, 16]);
    expect(shape(a, 'head_fc')).toEqual([1, 10]);
    expect(params(a, 'nonlocal')).toBeGreaterThan(0);
    expect(a.byName.get('stage2_out')?.rf).not.toBeNull();
    expect(a.byName.get('nonlocal')?.rf).toBeNull(); // attends everywhere: the whole input
  });
});
