import { describe, expect, it } from 'vitest';
import { base64ToBytes, base64ToFloat32, bytesToBase64, float32ToBase64 } from '../../../core/graph/base64';
import { GraphBuilder } from '../../../core/graph/builder';
import { graphToJson, migrate, parseGraphJson, type Migration } from '../../../core/graph/json';
import { initWeights } from '../../../core/graph/weights';
import { GraphError } from '../../../core/graph/types';
import { Rng } from '../../../core/tensor/rng';
import { fakeLookup } from './fake-ops';

function sample() {
  const b = new GraphBuilder('j');
  const x = b.input([3, 4, 4]);
  b.node('Scale', 's1', x, {}, 'first scale');
  b.node('Shrink', 's2', 's1', { cut: 1 });
  const g = b.build();
  g.nodes[1].ui = { x: 10, y: 20, group: 'g' };
  return g;
}

describe('base64', () => {
  it('matches a known encoding for 0..3 trailing bytes', () => {
    const enc = new TextEncoder();
    for (const [s, want] of [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foobar', 'Zm9vYmFy']]) {
      expect(bytesToBase64(enc.encode(s))).toBe(want);
      expect(new TextDecoder().decode(base64ToBytes(want))).toBe(s);
    }
  });
  it('is little-endian float32', () => {
    // 1.0f = 0x3f800000 -> bytes 00 00 80 3f
    expect(float32ToBase64(Float32Array.of(1))).toBe(bytesToBase64(Uint8Array.of(0, 0, 0x80, 0x3f)));
    const v = Float32Array.of(-1.5, 3.25e-8, 1e30, 0);
    expect([...base64ToFloat32(float32ToBase64(v))]).toEqual([...v]);
  });
  it('refuses bad characters and lengths', () => {
    expect(() => base64ToBytes('Zm9')).toThrow(/multiple of 4/);
    expect(() => base64ToBytes('Zm!v')).toThrow(/invalid base64/);
    expect(() => base64ToBytes('Z=9v')).toThrow(/invalid base64/);
  });
});

describe('graph JSON', () => {
  it('round-trips a graph with weights exactly', () => {
    const g = sample();
    const w = initWeights(g, new Rng(3), { lookup: fakeLookup });
    const text = graphToJson(g, w);
    const back = parseGraphJson(text);
    expect(back.graph).toEqual(g);
    expect(Object.keys(back.weights ?? {})).toEqual(['s1']);
    expect(back.weights?.s1.w.shape).toEqual([3]);
    expect([...(back.weights?.s1.w.data ?? [])]).toEqual([...w.s1.w.data]);
    expect(parseGraphJson(graphToJson(g, undefined, { pretty: true })).weights).toBeUndefined();
  });

  interface Doc {
    format: string;
    version: number;
    nodes: { name?: string; inputs: unknown[]; attrs: Record<string, unknown> }[] | Record<string, never>;
    outputs: string[];
    weights: Record<string, Record<string, { shape: number[]; dtype: string; data: string }>>;
  }
  const base = (): Doc => JSON.parse(graphToJson(sample(), initWeights(sample(), new Rng(1), { lookup: fakeLookup })));
  const refuse = (mutate: (d: Doc) => void, reason: RegExp) => {
    const d = base();
    mutate(d);
    let err: unknown;
    try {
      parseGraphJson(JSON.stringify(d));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphError);
    expect((err as Error).message).toMatch(reason);
  };

  const nodes = (d: Doc) => (Array.isArray(d.nodes) ? d.nodes : []);
  it('refuses corrupt files with a reason', () => {
    expect(() => parseGraphJson('{"format": "convlab-graph", ')).toThrow(/not valid JSON/);
    expect(() => parseGraphJson('[]')).toThrow(/top level/);
    refuse((d) => (d.format = 'other'), /format must be "convlab-graph"/);
    refuse((d) => (d.version = 99), /version 99 is newer/);
    refuse((d) => (d.version = 0), /version must be a positive integer/);
    refuse((d) => (d.nodes = {}), /nodes must be a list/);
    refuse((d) => (nodes(d)[1].inputs = ['input', 7]), /nodes\[1\] \("s1"\)\.inputs\[1\]/);
    refuse((d) => (nodes(d)[2].attrs.cut = { deep: 1 }), /nodes\[2\] \("s2"\)\.attrs\.cut/);
    refuse((d) => delete nodes(d)[0].name, /nodes\[0\]\.name/);
    refuse((d) => nodes(d).push(nodes(d)[1]), /duplicate node name "s1"/);
    refuse((d) => (d.outputs = ['zz']), /output "zz" refers to no node/);
    refuse((d) => (d.weights.s1.w.data = float32ToBase64(Float32Array.of(1, 2))), /weights\.s1\.w has 2 values but shape 3 needs 3/);
    refuse((d) => (d.weights.s1.w.data = '####'), /weights\.s1\.w\.data is corrupt/);
    refuse((d) => (d.weights.s1.w.shape = [3, -1]), /shape must be/);
    refuse((d) => (d.weights.s1.w.dtype = 'float16'), /float16.*not supported/);
    refuse((d) => (d.weights.ghost = {}), /weights for "ghost"/);
  });

  it('runs migrations keyed by version, in order, and refuses a gap', () => {
    const calls: number[] = [];
    const mig: Record<number, Migration> = {
      1: (doc) => (calls.push(1), { ...doc, added: 'one' }),
      2: (doc) => (calls.push(2), { ...doc, added: `${String(doc.added)}+two`, version: 'ignored' }),
    };
    const out = migrate({ version: 1, name: 'm' }, mig, 3);
    expect(calls).toEqual([1, 2]);
    expect(out).toEqual({ version: 3, name: 'm', added: 'one+two' });
    expect(migrate({ version: 2 }, mig, 3)).toMatchObject({ version: 3, added: 'undefined+two' });
    expect(() => migrate({ version: 1 }, { 1: mig[1] }, 3)).toThrow(/no migration from version 2/);
    expect(() => migrate({ version: 4 }, mig, 3)).toThrow(/newer/);
    // The current version needs no migration: parse leaves a v1 file alone.
    const d = base();
    calls.length = 0;
    parseGraphJson(JSON.stringify(d), { migrations: mig });
    expect(calls).toEqual([]);
    d.version = 1.5;
    expect(() => parseGraphJson(JSON.stringify(d))).toThrow(/positive integer/);
  });
});
