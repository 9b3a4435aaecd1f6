/** The training-step compiler without a runtime: its inputs/outputs, its refusals and the Dropout masks. */
import { describe, expect, it } from 'vitest';
import { Rng, Tensor, buildTemplate, compileGraph, decodeModel, encodeModel, listTemplates, runForward, singleFeed, initWeights } from '../../../core/index';
import { compileTrainGraph, dropoutMasks, trainGraphSupport, trainableOps, TrainGraphError, LOSS_OUTPUT, LR_INPUT, STEP_INPUT, LABELS_INPUT } from '../../../core/onnx/train-graph';
import { graphOf, node } from '../train/helpers';

describe('compileTrainGraph', () => {
  it('LeNet-5 with Adam: batch, labels, params, moments, lr and step in; loss, logits, updates out', () => {
    const g = buildTemplate('lenet5');
    const c = compileTrainGraph(g, { optimizer: { kind: 'adam' } });
    const ins = c.model.graph?.input?.map((i) => i.name) ?? [];
    const outs = c.model.graph?.output?.map((o) => o.name) ?? [];
    expect(ins.slice(0, 4)).toEqual(['input', LABELS_INPUT, LR_INPUT, STEP_INPUT]);
    expect(outs.slice(0, 2)).toEqual([LOSS_OUTPUT, 'output']);
    expect(c.params.map((p) => p.input)).toContain('c1.weight');
    expect(ins).toEqual(expect.arrayContaining(['c1.weight', 'c1.weight:m', 'c1.weight:v', 'output.bias']));
    expect(outs).toEqual(expect.arrayContaining(['c1.weight:new', 'c1.weight:m:new', 'c1.weight:v:new']));
    expect(c.params.filter((p) => p.trainable)).toHaveLength(10);
    expect(c.model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    // Standard ops only, and the file survives the codec.
    const ops = new Set(c.model.graph?.node?.map((n) => n.opType));
    expect([...ops].every((o) => /^[A-Z][A-Za-z]+$/.test(o ?? ''))).toBe(true);
    // c1 reads the batch, so only c3 gets an input gradient (one ConvTranspose).
    expect(c.model.graph?.node?.filter((n) => n.opType === 'ConvTranspose')).toHaveLength(1);
    expect(decodeModel(encodeModel(c.model)).graph?.node?.length).toBe(c.model.graph?.node?.length);
  });

  it('picks the conv backward formulation by shape: flipped Conv / one-hot columns on 8-channel blocks', () => {
    const c = compileTrainGraph(buildTemplate('vgg-small'), { optimizer: { kind: 'sgd' } });
    const nodes = c.model.graph?.node ?? [];
    const opOf = (name: string): string | undefined => nodes.find((n) => n.output?.includes(name))?.opType;
    // conv1_2 (32 -> 32, 3x3, stride 1): dx is a Conv, dW's columns come from a group-32 Conv.
    expect(opOf('conv1_2/dx')).toBe('Conv');
    expect(opOf('conv1_2/cols')).toBe('Conv');
    expect(nodes.find((n) => n.output?.includes('conv1_2/cols'))?.attribute?.find((a) => a.name === 'group')?.i).toBe(32);
    // conv1_1 reads 3 channels: its columns come from Slices, and it needs no dx.
    expect(opOf('conv1_1/cols')).toBe('Concat');
    expect(opOf('conv1_1/dx')).toBeUndefined();
    expect(nodes.some((n) => n.opType === 'ConvTranspose')).toBe(false);
    // LeNet-5's c3 has 6 input channels: ConvTranspose for dx.
    const l = compileTrainGraph(buildTemplate('lenet5'), { optimizer: { kind: 'sgd' } }).model.graph?.node ?? [];
    expect(l.find((n) => n.output?.includes('c3/dx'))?.opType).toBe('ConvTranspose');
  });

  it('computed outputs are written by the node that computes them (no copying Identity), every output produced once', () => {
    for (const [t, opt] of [['lenet5', { kind: 'adam' }], ['resnet8', { kind: 'sgd', momentum: 0.9 }]] as const) {
      const c = compileTrainGraph(buildTemplate(t), { optimizer: opt, debugGradients: true });
      const nodes = c.model.graph?.node ?? [];
      expect(nodes.filter((n) => n.opType === 'Identity').map((n) => n.output?.[0])).toEqual([]);
      const produced = nodes.flatMap((n) => n.output ?? []);
      expect(new Set(produced).size).toBe(produced.length);
      for (const o of c.model.graph?.output ?? []) expect(produced).toContain(o.name);
      // Every node input is a graph input, an initializer or some node's output.
      const known = new Set([...produced, ...(c.model.graph?.input ?? []).map((i) => i.name), ...(c.model.graph?.initializer ?? []).map((i) => i.name)]);
      expect(nodes.flatMap((n) => n.input ?? []).filter((i) => i !== '' && !known.has(i))).toEqual([]);
    }
  });

  it('BatchNorm running stats are outputs; plain SGD carries no slots; debug mode adds gradients', () => {
    const c = compileTrainGraph(buildTemplate('resnet8'), { optimizer: { kind: 'sgd' }, debugGradients: true });
    const outs = c.model.graph?.output?.map((o) => o.name) ?? [];
    expect(outs).toContain('stem_bn.runningMean:new');
    expect(outs).toContain('train/grad/stem.weight');
    expect(c.params.every((p) => p.slots.length === 0)).toBe(true);
    expect(c.params.find((p) => p.input === 'stem_bn.runningVar')?.trainable).toBe(false);
  });

  it('every unit of lenet5, vgg-small and resnet8 has a rule', () => {
    for (const t of ['lenet5', 'vgg-small', 'resnet8']) expect(trainGraphSupport(buildTemplate(t))).toBeNull();
    expect(trainableOps()).toEqual(expect.arrayContaining(['Conv2D', 'MaxPool2D', 'AvgPool2D', 'GlobalAvgPool', 'BatchNorm', 'Dense', 'Flatten', 'Add', 'Concat', 'Dropout', 'ReLU']));
  });

  it('refuses an op without a rule with a typed reason naming the nodes', () => {
    const g = graphOf('lrn-net', [node('x', 'Input', [], { shape: [2, 4, 4] }), node('c', 'Conv2D', ['x'], { filters: 3, kernel: 3 }), node('act', 'LRN', ['c'], { size: 3 }), node('f', 'Flatten', ['act']), node('out', 'Dense', ['f'], { units: 2 })], ['out']);
    const e = trainGraphSupport(g);
    expect(e).toBeInstanceOf(TrainGraphError);
    expect(e?.reason).toBe('unsupported-op');
    expect(e?.message).toContain('LRN "act"');
    expect(e?.nodes).toEqual(['act']);
  });

  it('says which templates it cannot train and why (never silently)', () => {
    const refused = listTemplates()
      .map((t) => ({ t: t.name, e: trainGraphSupport(buildTemplate(t.name)) }))
      .filter((r) => r.e !== null);
    for (const r of refused) expect(r.e?.message).toMatch(/training graph: /);
  });

  it('refuses broadcasting Add, batch-axis Concat, unused nodes and multiple inputs', () => {
    const bcast = graphOf('b', [node('x', 'Input', [], { shape: [2, 3, 3] }), node('c', 'Conv2D', ['x'], { filters: 2, kernel: 1 }), node('p', 'GlobalAvgPool', ['c']), node('s', 'Add', ['c', 'p']), node('f', 'Flatten', ['s']), node('d', 'Dense', ['f'], { units: 2 })], ['d']);
    expect(trainGraphSupport(bcast)?.message).toMatch(/broadcasts/);
    const unused = graphOf('u', [node('x', 'Input', [], { shape: [4] }), node('d', 'Dense', ['x'], { units: 3 }), node('side', 'ReLU', ['x'])], ['d']);
    expect(trainGraphSupport(unused)?.nodes).toEqual(['side']);
    const two = graphOf('t', [node('x', 'Input', [], { shape: [4] }), node('y', 'Input', [], { shape: [4] }), node('s', 'Add', ['x', 'y']), node('d', 'Dense', ['s'], { units: 3 })], ['d']);
    expect(trainGraphSupport(two)?.message).toMatch(/2 inputs/);
    const cat0 = graphOf('c0', [node('x', 'Input', [], { shape: [4] }), node('d', 'Dense', ['x'], { units: 3 }), node('c', 'Concat', ['d', 'd'], { axis: 0 }), node('o', 'Dense', ['c'], { units: 3 })], ['o']);
    expect(trainGraphSupport(cat0)?.message).toMatch(/batch axis/);
  });

  it('Dropout masks equal the ones the core draws in a training forward pass', () => {
    const g = graphOf('drop', [node('x', 'Input', [], { shape: [6] }), node('d1', 'Dropout', ['x'], { rate: 0.4 }), node('fc', 'Dense', ['d1'], { units: 5 }), node('d2', 'Dropout', ['fc'], { rate: 0.25 }), node('out', 'Dense', ['d2'], { units: 2 })], ['out']);
    const c = compileTrainGraph(g, { optimizer: { kind: 'sgd' } });
    expect(c.masks.map((m) => m.input)).toEqual(['d1:mask', 'd2:mask']);
    const cg = compileGraph(g);
    const w = initWeights(g, new Rng(1));
    const x = Tensor.full([3, 6], 1);
    const tape = runForward(cg, w, singleFeed(cg, x), { training: true, rng: new Rng(42) });
    const masks = dropoutMasks(c, 3, 42);
    // With an all-ones input, d1's output is its mask.
    const d1 = tape.values[cg.index.get('d1') ?? -1];
    expect(Array.from(d1?.data ?? [])).toEqual(Array.from(masks['d1:mask']));
    expect(masks['d2:mask']).toHaveLength(15);
    expect(new Set(masks['d2:mask'])).toEqual(new Set([0, Math.fround(1 / 0.75)]));
  });
});
