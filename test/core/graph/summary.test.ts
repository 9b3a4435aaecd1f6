import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/graph/builder';
import { humanBytes, humanCount, rfText, summarizeGraph, withCommas } from '../../../core/graph/summary';
import { fakeLookup } from './fake-ops';

describe('summary', () => {
  it('formats numbers', () => {
    expect(withCommas(61706)).toBe('61,706');
    expect(withCommas(999)).toBe('999');
    expect(withCommas(1234567)).toBe('1,234,567');
    expect(humanCount(2_300_000)).toBe('2.30M');
    expect(humanCount(512)).toBe('512');
    expect(humanBytes(1536)).toBe('1.50 KiB');
    expect(rfText(null)).toBe('all');
    expect(rfText({ size: 7, jump: 1, axes: [{ size: 7, jump: 1 }, { size: 7, jump: 1 }] })).toBe('7');
    expect(rfText({ size: 16, jump: 4, axes: [{ size: 16, jump: 4 }, { size: 16, jump: 4 }] })).toBe('16 (j4)');
    expect(rfText({ size: 3, jump: 2, axes: [{ size: 1, jump: 1 }, { size: 3, jump: 2 }] })).toBe('1x3 (j1x2)');
  });

  it('has one aligned row per node and the totals', () => {
    const b = new GraphBuilder('tiny');
    const x = b.input([3, 8, 8]);
    const s = b.node('Scale', 'scale1', x);
    b.node('Shrink', 'shrink1', s, { cut: 2 });
    const sum = summarizeGraph(b.build(), { lookup: fakeLookup, batch: 2 });
    expect(sum.rows.map((r) => r.name)).toEqual(['input', 'scale1', 'shrink1']);
    expect(sum.rows[1]).toEqual({ name: 'scale1', op: 'Scale', outputShape: '(N, 3, 8, 8)', params: '9', flops: '768', rf: '1' });
    expect(sum.rows[2].outputShape).toBe('(N, 3, 8, 6)');
    expect(sum.rows[2].rf).toBe('3');
    expect(sum.text).toContain('Total params: 9');
    expect(sum.text).toContain('Trainable params: 6');
    expect(sum.text).toContain('Non-trainable params: 3');
    expect(sum.text).toMatch(/FLOPs \(forward, batch 2\): 768/);
    expect(sum.text).toMatch(/Training memory estimate: /);
    const header = sum.lines.findIndex((l) => l.startsWith('Layer'));
    const rowLines = sum.lines.slice(header + 2, header + 5);
    // Right-aligned params column: every row's params ends at the same place as the header's.
    const end = sum.lines[header].indexOf('Params') + 'Params'.length;
    for (const l of rowLines) expect(l.slice(0, end).trimEnd().length).toBe(end);
  });

  it('lists the errors of an invalid graph', () => {
    const b = new GraphBuilder('broken');
    const x = b.input([3, 2, 2]);
    b.node('Shrink', 'z', x, { cut: 5 });
    const sum = summarizeGraph(b.build(), { lookup: fakeLookup });
    expect(sum.text).toMatch(/1 error\(s\):\n {2}Shrink "z"/);
  });
});
