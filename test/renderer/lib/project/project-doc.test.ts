import { describe, expect, it } from 'vitest';
import { buildTemplate, initWeights, Rng } from '../../../../core/index';
import { completeWeights, fileName, fitWeights, projectPath } from '../../../../renderer/src/lib/project/project-doc';

describe('project-doc', () => {
  it('completes partial weights with seeded init for the missing nodes only', () => {
    const g = buildTemplate('lenet5');
    const w = initWeights(g, new Rng(2));
    const first = Object.keys(w)[0];
    const partial = { ...w };
    delete partial[first];
    const full = completeWeights(g, partial, 5);
    expect(Object.keys(full ?? {}).sort()).toEqual(Object.keys(w).sort());
    const other = Object.keys(w)[1];
    expect(full?.[other]).toBe(w[other]);
    expect(fitWeights(g, full).dropped).toEqual([]);
    expect(completeWeights(g, undefined, 1)).toBeUndefined();
  });

  it('builds project paths and names', () => {
    expect(projectPath('/home/u/ConvLab', 'my net')).toBe('/home/u/ConvLab/my net.convlab');
    expect(projectPath('/home/u/ConvLab/', 'a.convlab')).toBe('/home/u/ConvLab/a.convlab');
    expect(projectPath('/x', '/tmp/b')).toBe('/tmp/b.convlab');
    expect(fileName('/tmp/b.convlab')).toBe('b.convlab');
    expect(fileName(null)).toBe('untitled');
  });
});

describe('weights on the wire', () => {
  it('leaves out weights above the message cap', async () => {
    const { MAX_WIRE_VALUES, wireWeights } = await import('../../../../renderer/src/lib/project/project-doc');
    const { Tensor } = await import('../../../../core/index');
    const small = { a: { w: new Tensor([10]) } };
    const big = { a: { w: new Tensor([MAX_WIRE_VALUES + 1]) } };
    expect(wireWeights(small)).toBe(small);
    expect(wireWeights(big)).toBeUndefined();
    expect(completeWeights(buildTemplate('lenet5'), big, 1)).toBeUndefined();
  });
});
