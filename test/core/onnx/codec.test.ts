import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, decodeTensorFile, encodeModel, encodeTensorFile } from '../../../core/onnx/codec';
import { OnnxError } from '../../../core/onnx/errors';
import { Reader, Writer } from '../../../core/onnx/wire';
import { ONNX_BACKEND_DIR } from '../../fixtures/conformance-dir';

const root = ONNX_BACKEND_DIR;
const cases = readdirSync(root + 'pytorch-converted').sort();
const lights = readdirSync(root + 'light').filter((f) => f.endsWith('.onnx'));

describe('wire', () => {
  it('round-trips varints, including negative and large int64', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 35 + 7, 2 ** 53 - 1, -1, -2, -(2 ** 31), -(2 ** 40) - 3, -(2 ** 53) + 1];
    const w = new Writer();
    for (const v of values) w.int64(v, 'v');
    const bytes = w.finish();
    const r = new Reader(bytes);
    for (const v of values) expect(r.int64(bytes.length, 'v')).toBe(v);
    expect(r.pos).toBe(bytes.length);
  });

  it('encodes -1 as the 10-byte two\'s-complement varint and INT64_MAX as 9 bytes', () => {
    const w = new Writer();
    w.int64(-1, 'v');
    expect([...w.finish()]).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
    const w2 = new Writer();
    w2.int64(2 ** 63, 'v'); // INT64_MAX as decoded into a float64
    const b = w2.finish();
    expect(b.length).toBe(9);
    expect(new Reader(b).int64(b.length, 'v')).toBe(2 ** 63);
  });

  it('refuses overlong varints, truncation and overflowing lengths', () => {
    const overlong = new Uint8Array(11).fill(0x80);
    expect(() => new Reader(overlong).uint64(11, 'x')).toThrow(OnnxError);
    const over64 = Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 255, 255, 3]);
    expect(() => new Reader(over64).uint64(10, 'x')).toThrow(/exceeds 64 bits/);
    expect(() => new Reader(Uint8Array.from([0x80])).uint64(1, 'x')).toThrow(/truncated/);
    const len = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]);
    expect(() => new Reader(len).bytes(len.length, 'x')).toThrow(/runs past the end/);
    expect(() => new Writer().int64(0.5, 'x')).toThrow(OnnxError);
    expect(() => new Writer().int32(2 ** 31, 'x')).toThrow(OnnxError);
  });

  it('encodes and decodes UTF-8 strings', () => {
    const w = new Writer();
    const s = 'conv_1 ✓ Ünïcode 𝔁';
    w.string(s);
    const b = w.finish();
    expect(new Reader(b).string(b.length, 's')).toBe(s);
  });
});

describe('codec on the conformance models', () => {
  it(`decodes and re-encodes all ${cases.length} pytorch-converted cases byte for byte`, () => {
    for (const c of cases) {
      const bytes = new Uint8Array(readFileSync(`${root}pytorch-converted/${c}/model.onnx`));
      const m = decodeModel(bytes);
      expect(m.graph?.node?.length ?? 0, c).toBeGreaterThan(0);
      expect(encodeModel(m), c).toEqual(bytes);
      const t = new Uint8Array(readFileSync(`${root}pytorch-converted/${c}/test_data_set_0/output_0.pb`));
      expect(encodeTensorFile(decodeTensorFile(t)), c).toEqual(t);
    }
  });

  it('decodes the light models with their structure', () => {
    for (const f of lights) {
      const bytes = new Uint8Array(readFileSync(root + 'light/' + f));
      const m = decodeModel(bytes);
      const ops = new Set((m.graph?.node ?? []).map((n) => n.opType));
      expect(ops.has('Conv'), f).toBe(true);
      expect(ops.has('ConstantOfShape'), f).toBe(true);
      expect(m.opsetImport?.[0]?.version ?? 0, f).toBeGreaterThanOrEqual(6);
      expect(encodeModel(m), f).toEqual(bytes);
    }
  });

  it('reads a known case exactly', () => {
    const m = decodeModel(new Uint8Array(readFileSync(`${root}pytorch-converted/test_Conv2d/model.onnx`)));
    const g = m.graph!;
    expect(g.node![0].opType).toBe('Conv');
    const w = g.initializer!.find((t) => t.name === '1')!;
    expect(w.dims).toEqual([4, 3, 3, 2]);
    expect(w.dataType).toBe(1);
    expect(w.rawData!.length).toBe(288);
    expect(g.input![0].type!.tensorType!.shape!.dim!.map((d) => d.dimValue)).toEqual([2, 3, 7, 5]);
  });
});

describe('tensor-proto', () => {
  it('reads the conformance output as a float tensor and round-trips it', async () => {
    const { tensorFromProto, tensorToProto } = await import('../../../core/onnx/tensor-proto');
    const bytes = new Uint8Array(readFileSync(`${root}pytorch-converted/test_ReLU/test_data_set_0/input_0.pb`));
    const t = tensorFromProto(decodeTensorFile(bytes));
    expect(t.shape).toEqual([2, 3, 4, 5]);
    const out = tensorFromProto(decodeTensorFile(new Uint8Array(readFileSync(`${root}pytorch-converted/test_ReLU/test_data_set_0/output_0.pb`))));
    for (let i = 0; i < t.size; i++) expect(out.data[i]).toBe(Math.max(0, t.data[i]));
    const again = tensorFromProto(decodeTensorFile(encodeTensorFile(tensorToProto('x', t))));
    expect(again.data).toEqual(t.data);
  });

  it('converts float_data, double, int64 and float16; refuses mismatches, absurd dims and external data', async () => {
    const { tensorFromProto, intsFromProto } = await import('../../../core/onnx/tensor-proto');
    expect([...tensorFromProto({ dims: [3], dataType: 1, floatData: [1, 2.5, -3] }).data]).toEqual([1, 2.5, -3]);
    expect([...tensorFromProto({ dims: [2], dataType: 11, doubleData: [0.5, 4] }).data]).toEqual([0.5, 4]);
    expect([...tensorFromProto({ dims: [2], dataType: 10, int32Data: [0x3c00, 0xc000] }).data]).toEqual([1, -2]);
    const raw = new Uint8Array(16);
    new DataView(raw.buffer).setBigInt64(0, -1n, true);
    new DataView(raw.buffer).setBigInt64(8, 7n, true);
    expect(intsFromProto({ dims: [2], dataType: 7, rawData: raw }).values).toEqual([-1, 7]);
    expect(() => tensorFromProto({ dims: [2, 3], dataType: 1, rawData: new Uint8Array(20) })).toThrow(/raw_data has 20 bytes .* needs 24/);
    expect(() => tensorFromProto({ dims: [4], dataType: 1, floatData: [1] })).toThrow(OnnxError);
    expect(() => tensorFromProto({ name: 'w', dims: [1000000, 1000000], dataType: 1, rawData: new Uint8Array(4) })).toThrow(/1000000000000 elements/);
    expect(() => tensorFromProto({ dims: [-1], dataType: 1 })).toThrow(/invalid dimension/);
    expect(() => tensorFromProto({ name: 'w', dims: [1], dataType: 1, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] })).toThrow(
      /external data \("w.bin"\) is not supported/,
    );
    expect(() => tensorFromProto({ dims: [1], dataType: 8 })).toThrow(/STRING is not supported/);
  });
});
