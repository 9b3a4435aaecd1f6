/** The import-only ops (core/ops/interop-family.ts), each through the shared oracle: shapes, a naive reference, FD gradients. */
import { describe, expect, it } from 'vitest';
import { abs } from '../../../core/ops/abs';
import { constant } from '../../../core/ops/const';
import { div } from '../../../core/ops/div';
import { elu } from '../../../core/ops/elu';
import { exp } from '../../../core/ops/exp';
import { logSoftmax } from '../../../core/ops/log-softmax';
import { neg } from '../../../core/ops/neg';
import { pad } from '../../../core/ops/pad';
import { prelu } from '../../../core/ops/prelu';
import { selu } from '../../../core/ops/selu';
import { slice } from '../../../core/ops/slice';
import { softplus } from '../../../core/ops/softplus';
import { softsign } from '../../../core/ops/softsign';
import { sub } from '../../../core/ops/sub';
import { transpose } from '../../../core/ops/transpose';
import { OpError, type OpDef, type RawAttrs } from '../../../core/ops/types';
import { Rng } from '../../../core/tensor/rng';
import { Tensor, stridesOf } from '../../../core/tensor/tensor';
import { checkOp } from '../ops/oracle';

const map = (t: Tensor, f: (v: number) => number) => ({ shape: t.shape, data: Array.from(t.data, f) });

describe('interop unary ops', () => {
  const cases: { op: OpDef; attrs: RawAttrs; f: (x: number) => number }[] = [
    { op: elu, attrs: { alpha: 0.7 }, f: (x: number) => (x > 0 ? x : 0.7 * Math.expm1(x)) },
    { op: selu, attrs: {}, f: (x: number) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)) },
    { op: softplus, attrs: {}, f: (x: number) => Math.log(1 + Math.exp(x)) },
    { op: softsign, attrs: {}, f: (x: number) => x / (1 + Math.abs(x)) },
    { op: neg, attrs: {}, f: (x: number) => -x },
    { op: exp, attrs: {}, f: (x: number) => Math.exp(x) },
    { op: abs, attrs: {}, f: (x: number) => Math.abs(x) },
  ];
  for (const c of cases) {
    it(`${c.op.type} matches its formula with exact gradients`, () => {
      checkOp({ op: c.op, attrs: c.attrs, inputs: [[2, 3, 4]], gen: 'distinct', reference: ([x]) => map(x, c.f) });
    });
  }
});

describe('Sub / Div', () => {
  it('broadcast with exact gradients', () => {
    checkOp({ op: sub, attrs: {}, inputs: [[2, 3, 2], [3, 1]], reference: ([a, b]) => ({ shape: a.shape, data: Array.from(a.data, (v, i) => v - b.data[Math.floor(i / 2) % 3]) }) });
    const b = Tensor.from([3, 1], [1.5, -2, 3]);
    checkOp({ op: div, attrs: {}, inputs: [[2, 3, 2], b], reference: ([x, y]) => ({ shape: x.shape, data: Array.from(x.data, (v, i) => v / y.data[Math.floor(i / 2) % 3]) }) });
  });
});

describe('PReLU', () => {
  it('shared and per-channel slopes', () => {
    checkOp({ op: prelu, attrs: {}, inputs: [[2, 3, 4]], gen: 'distinct', params: { slope: Tensor.from([1], [0.3]) }, reference: ([x]) => map(x, (v) => (v > 0 ? v : 0.3 * v)) });
    const s = Tensor.from([3, 1, 1], [0.1, -0.5, 2]);
    checkOp({
      op: prelu,
      attrs: { slopeShape: [3, 1, 1] },
      inputs: [[2, 3, 2, 2]],
      gen: 'distinct',
      params: { slope: s },
      reference: ([x]) => ({ shape: x.shape, data: Array.from(x.data, (v, i) => (v > 0 ? v : s.data[Math.floor(i / 4) % 3] * v)) }),
    });
    expect(() => prelu.inferShape([[2, 3, 4]], prelu.parseAttrs({ slopeShape: [5] }))).toThrow(OpError);
  });
});

describe('LogSoftmax', () => {
  it('equals log(softmax) on the middle axis with exact gradients', () => {
    checkOp({
      op: logSoftmax,
      attrs: { axis: 1 },
      inputs: [[2, 4, 3]],
      reference: ([x]) => {
        const out = new Float64Array(x.size);
        for (let n = 0; n < 2; n++)
          for (let k = 0; k < 3; k++) {
            let s = 0;
            for (let c = 0; c < 4; c++) s += Math.exp(x.data[n * 12 + c * 3 + k]);
            for (let c = 0; c < 4; c++) out[n * 12 + c * 3 + k] = x.data[n * 12 + c * 3 + k] - Math.log(s);
          }
        return { shape: x.shape, data: out };
      },
    });
  });
});

function padRef(x: Tensor, pads: number[], mode: string, value: number): { shape: number[]; data: number[] } {
  const r = x.shape.length;
  const shape = x.shape.map((d, i) => d + pads[i] + pads[i + r]);
  const st = stridesOf(x.shape);
  const out: number[] = [];
  const total = shape.reduce((a, b) => a * b, 1);
  for (let p = 0; p < total; p++) {
    let rem = p;
    let off = 0;
    let outside = false;
    for (let d = 0; d < r; d++) {
      const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
      const o = Math.floor(rem / inner);
      rem %= inner;
      let i = o - pads[d];
      const n = x.shape[d];
      if (i < 0 || i >= n) {
        if (mode === 'constant') outside = true;
        else if (mode === 'edge') i = Math.min(n - 1, Math.max(0, i));
        else i = i < 0 ? -i : 2 * (n - 1) - i;
      }
      off += i * st[d];
    }
    out.push(outside ? value : x.data[off]);
  }
  return { shape, data: out };
}

describe('Pad', () => {
  for (const mode of ['constant', 'reflect', 'edge'] as const) {
    it(`${mode} padding with exact gradients`, () => {
      const pads = [0, 0, 2, 1, 0, 0, 1, 2];
      checkOp({ op: pad, attrs: { pads, mode, value: 0.5 }, inputs: [[2, 2, 3, 4]], reference: ([x]) => padRef(x, pads, mode, 0.5) });
    });
  }
  it('crops with negative pads and refuses batch padding and oversized reflect', () => {
    const pads = [0, -1, 0, 0, 0, 1];
    checkOp({ op: pad, attrs: { pads }, inputs: [[1, 3, 4]], reference: ([x]) => ({ shape: [1, 2, 5], data: [x.data[4], x.data[5], x.data[6], x.data[7], 0, x.data[8], x.data[9], x.data[10], x.data[11], 0] }) });
    expect(() => pad.inferShape([[2, 3]], pad.parseAttrs({ pads: [1, 0, 0, 0] }))).toThrow(/batch/);
    expect(() => pad.inferShape([[2, 3]], pad.parseAttrs({ pads: [0, 3, 0, 0], mode: 'reflect' }))).toThrow(/reflect/);
  });
});

describe('Transpose / Slice / Const', () => {
  it('transposes non-batch axes with exact gradients', () => {
    const rep = checkOp({
      op: transpose,
      attrs: { perm: [0, 2, 3, 1] },
      inputs: [[2, 3, 4, 5]],
      reference: ([x]) => {
        const out: number[] = [];
        for (let n = 0; n < 2; n++) for (let h = 0; h < 4; h++) for (let w = 0; w < 5; w++) for (let c = 0; c < 3; c++) out.push(x.data[((n * 3 + c) * 4 + h) * 5 + w]);
        return { shape: [2, 4, 5, 3], data: out };
      },
    });
    expect(rep.outputShape).toEqual([2, 4, 5, 3]);
    expect(() => transpose.inferShape([[2, 3]], transpose.parseAttrs({ perm: [1, 0] }))).toThrow(/batch/);
  });
  it('slices one axis with exact gradients', () => {
    checkOp({ op: slice, attrs: { axis: -1, start: 1, end: 3 }, inputs: [[2, 5]], reference: ([x]) => ({ shape: [2, 2], data: [x.data[1], x.data[2], x.data[6], x.data[7]] }) });
  });
  it('Const outputs its value', () => {
    const v = Tensor.from([2, 1], [3, 4]);
    const a = constant.parseAttrs({ shape: [2, 1] });
    expect(constant.inferShape([], a)).toEqual([2, 1]);
    expect([...constant.forward([], { value: v }, a, { training: false, rng: new Rng(1) }).output.data]).toEqual([3, 4]);
  });
});
