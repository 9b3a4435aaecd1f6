import { describe, expect, it } from 'vitest';
import { convTranspose2d, type ConvTransposeAttrs } from '../../../core/ops/conv-transpose';
import { conv2d } from '../../../core/ops/conv';
import type { RawAttrs } from '../../../core/ops/types';
import { Rng } from '../../../core/tensor/rng';
import { Tensor } from '../../../core/tensor/tensor';
import { checkOp, randomTensor } from './oracle';

/** Direct scatter reference: y[n, g*Fg+f, h*s-pb+kh*d, w*s-pb+kw*d] += x[n,c,h,w] * W[c,f,kh,kw]. */
function ref(inputs: readonly Tensor[], params: Readonly<Record<string, Tensor>>, a: ConvTransposeAttrs) {
  const x = inputs[0];
  const [n, c, h, w] = x.shape;
  const [kh, kw] = a.kernel;
  const cg = c / a.groups;
  const fg = a.filters / a.groups;
  const oh = a.stride[0] * (h - 1) + a.outputPadding[0] + a.dilation[0] * (kh - 1) + 1 - a.pads[0] - a.pads[2];
  const ow = a.stride[1] * (w - 1) + a.outputPadding[1] + a.dilation[1] * (kw - 1) + 1 - a.pads[1] - a.pads[3];
  const y = new Float64Array(n * a.filters * oh * ow);
  for (let b = 0; b < n; b++)
    for (let ci = 0; ci < c; ci++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          for (let f = 0; f < fg; f++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const yi = i * a.stride[0] - a.pads[0] + p * a.dilation[0];
                const yj = j * a.stride[1] - a.pads[1] + q * a.dilation[1];
                if (yi < 0 || yi >= oh || yj < 0 || yj >= ow) continue;
                const fo = Math.floor(ci / cg) * fg + f;
                y[((b * a.filters + fo) * oh + yi) * ow + yj] += x.data[((b * c + ci) * h + i) * w + j] * params.weight.data[((ci * fg + f) * kh + p) * kw + q];
              }
  if (a.bias) for (let i = 0; i < y.length; i++) y[i] += params.bias.data[Math.floor(i / (oh * ow)) % a.filters];
  return { shape: [n, a.filters, oh, ow], data: y };
}

function run(shape: number[], attrs: RawAttrs, seed: number): void {
  const params: Record<string, Tensor> = {};
  if (attrs.bias !== false) params.bias = randomTensor([Number(attrs.filters)], new Rng(seed + 7));
  checkOp({ op: convTranspose2d, attrs, inputs: [shape], params, reference: ref, seed, maxChecks: 150 });
}

describe('ConvTranspose2D', () => {
  it('matches the direct scatter and finite differences over stride/pads/outputPadding/dilation/groups', () => {
    let seed = 1;
    for (const stride of [1, 2, [3, 2]]) {
      for (const pads of [0, 1, [1, 0, 0, 2]]) {
        for (const dilation of [1, 2]) {
          for (const groups of [1, 2]) {
            const outputPadding = Array.isArray(stride) ? [1, 0] : stride > 1 ? 1 : 0;
            run([2, 4, 3, 4], { filters: 4, kernel: [3, 2], stride, pads, dilation, groups, outputPadding, bias: seed % 3 !== 0 }, seed++);
          }
        }
      }
    }
  });

  it('is the adjoint of Conv2D: <conv(x), y> = <x, convT(y)> with the shared weight', () => {
    const rng = new Rng(3);
    const x = randomTensor([1, 3, 7, 7], rng);
    const w = randomTensor([4, 3, 3, 3], rng);
    const ca = conv2d.parseAttrs({ filters: 4, kernel: 3, stride: 2, pads: 1, bias: false });
    const cx = conv2d.forward([x], { weight: w }, ca, { training: false, rng }).output;
    const y = randomTensor(cx.shape, rng);
    const ta = convTranspose2d.parseAttrs({ filters: 3, kernel: 3, stride: 2, pads: 1, bias: false });
    const ty = convTranspose2d.forward([y], { weight: w }, ta, { training: false, rng }).output;
    expect(ty.shape).toEqual(x.shape);
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < cx.size; i++) lhs += cx.data[i] * y.data[i];
    for (let i = 0; i < x.size; i++) rhs += x.data[i] * ty.data[i];
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
  });

  it('shapes, params and errors', () => {
    const a = convTranspose2d.parseAttrs({ filters: 6, kernel: 4, stride: 2, pads: 1 });
    expect(convTranspose2d.inferShape([[2, 8, 5, 5]], a)).toEqual([2, 6, 10, 10]);
    expect(convTranspose2d.params([[2, 8, 5, 5]], { ...a, groups: 2 }).map((p) => p.shape)).toEqual([[8, 3, 4, 4], [6]]);
    expect(() => convTranspose2d.parseAttrs({ filters: 1, kernel: 3, stride: 2, outputPadding: 2 })).toThrow(/outputPadding 2/);
    expect(() => convTranspose2d.inferShape([[1, 3, 4, 4]], convTranspose2d.parseAttrs({ filters: 2, kernel: 3, groups: 2 }))).toThrow('channels 3 not divisible by groups 2');
  });
});
