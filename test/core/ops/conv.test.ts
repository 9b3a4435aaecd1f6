import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, conv3d, type ConvAttrs } from '../../../core/ops/conv';
import type { OpDef, RawAttrs } from '../../../core/ops/types';
import { checkOp, randomTensor } from './oracle';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { refConv, samePads } from './conv-reference';

function ref(rank: number) {
  return (inputs: readonly Tensor[], params: Readonly<Record<string, Tensor>>, a: ConvAttrs) => {
    const spatial = inputs[0].shape.slice(2);
    let pb = a.pads.slice(0, rank);
    let pe = a.pads.slice(rank);
    if (a.autoPad === 'same') ({ pb, pe } = samePads(spatial, a.kernel, a.stride, a.dilation));
    return refConv(inputs[0], params.weight, a.bias ? params.bias : undefined, a.groups, {
      kernel: a.kernel, stride: a.stride, dilation: a.dilation, padBegin: pb, padEnd: pe, ceil: a.ceil,
    });
  };
}

function run(op: OpDef<ConvAttrs>, rank: number, shape: number[], attrs: RawAttrs, seed: number): void {
  // random (non-zero) bias so the reference checks it too (initParams would give zeros)
  const filters = Number(attrs.filters);
  const params: Record<string, Tensor> = {};
  if (attrs.bias !== false) params.bias = randomTensor([filters], new Rng(seed));
  const rep = checkOp({ op, attrs, inputs: [shape], params, reference: ref(rank), seed, maxChecks: 150 });
  expect(rep.checkedElements).toBeGreaterThan(0);
}

describe('Conv2D', () => {
  it('matches the direct loop and finite differences over a grid of stride/pads/dilation/groups/ceil/bias', () => {
    let seed = 10;
    const pads: (number | number[])[] = [0, 1, [1, 0, 2, 1]];
    for (const stride of [1, 2, [2, 1]]) {
      for (const pad of pads) {
        for (const dilation of [1, 2]) {
          for (const groups of [1, 2]) {
            for (const ceil of [false, true]) {
              run(conv2d, 2, [2, 4, 7, 6], { filters: 4, kernel: [3, 2], stride, pads: pad, dilation, groups, ceil, bias: seed % 2 === 0 }, seed++);
            }
          }
        }
      }
    }
  });

  it('depthwise (groups = channels, channel multiplier 2), 1x1 and same padding', () => {
    run(conv2d, 2, [2, 3, 6, 6], { filters: 6, kernel: 3, groups: 3, pads: 1 }, 1);
    run(conv2d, 2, [2, 3, 5, 5], { filters: 3, kernel: 3, groups: 3, stride: 2 }, 2);
    run(conv2d, 2, [3, 5, 4, 4], { filters: 7, kernel: 1 }, 3);
    run(conv2d, 2, [2, 2, 7, 5], { filters: 3, kernel: [3, 4], stride: 2, autoPad: 'same' }, 4);
    run(conv2d, 2, [1, 2, 6, 6], { filters: 2, kernel: 3, dilation: 2, autoPad: 'same' }, 5);
  });

  it('fast paths: depthwise (any multiplier, stride/pads/dilation/ceil) and pointwise 1x1 (with groups)', () => {
    let seed = 200;
    for (const stride of [1, 2]) {
      for (const pads of [0, 1, [2, 0, 1, 1]]) {
        for (const dilation of [1, 2]) {
          run(conv2d, 2, [2, 3, 7, 6], { filters: 3, kernel: 3, groups: 3, stride, pads, dilation, ceil: seed % 2 === 0 }, seed++);
          run(conv2d, 2, [1, 2, 6, 7], { filters: 4, kernel: [2, 3], groups: 2, stride, pads, dilation, bias: false }, seed++);
        }
      }
    }
    run(conv1d, 1, [2, 3, 9], { filters: 3, kernel: 3, groups: 3, pads: 1, stride: 2 }, seed++);
    run(conv3d, 3, [1, 2, 4, 5, 4], { filters: 2, kernel: 3, groups: 2, pads: 1 }, seed++);
    run(conv2d, 2, [2, 4, 3, 5], { filters: 6, kernel: 1, groups: 2 }, seed++);
    run(conv2d, 2, [2, 4, 5, 5], { filters: 3, kernel: 1, stride: 2 }, seed++);
    run(conv2d, 2, [1, 4, 3, 3], { filters: 3, kernel: 1, pads: [0, 0, 1, 1] }, seed++);
    run(conv3d, 3, [2, 3, 2, 3, 3], { filters: 4, kernel: 1, bias: false }, seed++);
  });

  it('bias random and non-zero is included in forward and gradient', () => {
    const bias = Tensor.from([3], [0.5, -1, 2]);
    const rep = checkOp({ op: conv2d, attrs: { filters: 3, kernel: 2 }, inputs: [[1, 2, 4, 4]], params: { bias }, reference: ref(2), seed: 9 });
    expect(Object.keys(rep.gradWorst).sort()).toEqual(['input0', 'param:bias', 'param:weight']);
  });

  it('infers shapes, params, FLOPs and receptive data', () => {
    const a = conv2d.parseAttrs({ filters: 6, kernel: 5, pads: 2 });
    expect(conv2d.inferShape([[64, 1, 28, 28]], a)).toEqual([64, 6, 28, 28]);
    expect(conv2d.params([[64, 1, 28, 28]], a).map((p) => [p.name, p.shape])).toEqual([
      ['weight', [6, 1, 5, 5]],
      ['bias', [6]],
    ]);
    expect(conv2d.flops([[1, 1, 28, 28]], a)).toBe(2 * 6 * 28 * 28 * 25);
    expect(conv2d.receptive?.(conv2d.parseAttrs({ filters: 1, kernel: 3, stride: 2, dilation: 2 }))).toEqual({ kernel: 3, stride: 2, dilation: 2 });
    const c = conv2d.parseAttrs({ filters: 1, kernel: 3, stride: 2, ceil: true });
    expect(conv2d.inferShape([[1, 1, 8, 8]], c)).toEqual([1, 1, 4, 4]);
    expect(conv2d.inferShape([[1, 1, 8, 8]], { ...c, ceil: false })).toEqual([1, 1, 3, 3]);
    expect(conv2d.inferShape([[1, 1, 7, 9]], conv2d.parseAttrs({ filters: 1, kernel: 3, stride: 2, autoPad: 'same' }))).toEqual([1, 1, 4, 5]);
  });

  it('gives clear errors', () => {
    expect(() => conv2d.inferShape([[1, 6, 8, 8]], conv2d.parseAttrs({ filters: 4, kernel: 3, groups: 4 }))).toThrow('channels 6 not divisible by groups 4');
    expect(() => conv2d.inferShape([[1, 4, 8, 8]], conv2d.parseAttrs({ filters: 6, kernel: 3, groups: 4 }))).toThrow('filters 6 not divisible by groups 4');
    expect(() => conv2d.inferShape([[1, 1, 3, 3]], conv2d.parseAttrs({ filters: 1, kernel: 5 }))).toThrow('kernel 5 (dilated 5) larger than padded input 3');
    expect(() => conv2d.inferShape([[1, 1, 5, 5]], conv2d.parseAttrs({ filters: 1, kernel: 3, dilation: 3 }))).toThrow('kernel 3 (dilated 7) larger than padded input 5');
    expect(() => conv2d.inferShape([[1, 28, 28]], conv2d.parseAttrs({ filters: 1, kernel: 3 }))).toThrow(/N x C x H x W/);
    expect(() => conv2d.parseAttrs({ kernel: 3 })).toThrow(/filters/);
    expect(() => conv2d.parseAttrs({ filters: 2, kernel: [3, 3, 3] })).toThrow(/kernel/);
  });
});

describe('Conv1D and Conv3D', () => {
  it('Conv1D over stride/pads/dilation/groups', () => {
    let seed = 50;
    for (const stride of [1, 3]) {
      for (const pads of [0, [2, 1]]) {
        for (const dilation of [1, 2]) {
          for (const groups of [1, 2]) {
            run(conv1d, 1, [2, 4, 11], { filters: 4, kernel: 3, stride, pads, dilation, groups, ceil: seed % 2 === 0 }, seed++);
          }
        }
      }
    }
  });

  it('Conv3D with stride, asymmetric pads, dilation, groups and same padding', () => {
    run(conv3d, 3, [1, 2, 4, 5, 4], { filters: 2, kernel: [2, 3, 2] }, 60);
    run(conv3d, 3, [2, 2, 5, 4, 5], { filters: 4, kernel: 3, stride: [2, 1, 2], pads: [1, 0, 1, 0, 1, 1], groups: 2 }, 61);
    run(conv3d, 3, [1, 2, 5, 5, 5], { filters: 2, kernel: 2, dilation: 2, ceil: true, stride: 2 }, 62);
    run(conv3d, 3, [1, 1, 4, 4, 4], { filters: 2, kernel: 3, autoPad: 'same', bias: false }, 63);
  });
});
