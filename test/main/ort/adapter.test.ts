import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSession, ortInfo, OrtError, releaseSession, runFloat, runSession, threadsFor } from '../../../main/ort/adapter';
import { PYTORCH_CONVERTED_DIR } from '../../fixtures/conformance-dir';

const caseDir = PYTORCH_CONVERTED_DIR;

describe('ort adapter', () => {
  it('reports version, providers and thread defaults', () => {
    const info = ortInfo();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.providers).toContain('cpu');
    expect(info.providers[info.providers.length - 1]).toBe('cpu');
    expect(info.defaultProvider).toBe(info.providers[0]);
    expect(info.defaultThreads.intraOp).toBeGreaterThanOrEqual(1);
    expect(info.backends.find((b) => b.name === 'cpu')?.usable).toBe(true);
  });

  it('splits cores between concurrent jobs', () => {
    expect(threadsFor(1, 8)).toBe(8);
    expect(threadsFor(3, 8)).toBe(2);
    expect(threadsFor(16, 8)).toBe(1);
  });

  it('runs a ReLU model and converts at the boundary', async () => {
    const bytes = new Uint8Array(readFileSync(caseDir + 'test_ReLU/model.onnx'));
    const s = await createSession(bytes, { provider: 'cpu', intraOpThreads: 1 });
    expect(s.inputNames).toEqual(['0']);
    const data = Float32Array.from({ length: 120 }, (_, i) => (i % 7) - 3);
    const out = await runFloat(s, { '0': { shape: [2, 3, 4, 5], data } });
    const y = out[s.outputNames[0]];
    expect(y.shape).toEqual([2, 3, 4, 5]);
    for (let i = 0; i < 120; i++) expect(y.data[i]).toBe(Math.max(0, data[i]));
    await expect(runSession(s, { '0': { shape: [2, 3, 4, 5], data: new Float32Array(3) } })).rejects.toThrow(OrtError);
    await expect(runSession(s, {})).rejects.toThrow(/missing feed "0"/);
    await releaseSession(s);
    await expect(runSession(s, { '0': { shape: [2, 3, 4, 5], data } })).rejects.toThrow(/released/);
  });

  it('outputs are handed on without a copy yet belong to the caller: the next run leaves them alone', async () => {
    const bytes = new Uint8Array(readFileSync(caseDir + 'test_ReLU/model.onnx'));
    const s = await createSession(bytes, { provider: 'cpu', intraOpThreads: 1 });
    const a = Float32Array.from({ length: 120 }, (_, i) => i - 60);
    const first = (await runFloat(s, { '0': { shape: [2, 3, 4, 5], data: a } }))[s.outputNames[0]].data;
    const kept = Float32Array.from(first);
    const second = (await runFloat(s, { '0': { shape: [2, 3, 4, 5], data: a.map((v) => 2 * v + 1) } }))[s.outputNames[0]].data;
    expect(second).not.toBe(first);
    expect(second.buffer).not.toBe(first.buffer);
    expect(Array.from(first)).toEqual(Array.from(kept));
    first.fill(-1);
    const third = (await runFloat(s, { '0': { shape: [2, 3, 4, 5], data: a } }))[s.outputNames[0]].data;
    expect(Array.from(third)).toEqual(Array.from(kept));
    await releaseSession(s);
  });

  it('refuses garbage bytes with an OrtError', async () => {
    await expect(createSession(new Uint8Array([1, 2, 3, 4, 5]), { provider: 'cpu' })).rejects.toThrow(OrtError);
  });
});
