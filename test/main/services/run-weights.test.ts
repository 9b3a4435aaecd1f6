/** model.runWeights: a run directory's model.json with trained weights comes back as graph JSON; bad dirs are refused with the reason. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTemplate, countWeights, graphToJson, initWeights, parseGraphJson, Rng } from '../../../core/index';
import type { JobPool } from '../../../main/pool/pool';
import { modelHandlers } from '../../../main/services/models';

const dir = mkdtempSync(join(tmpdir(), 'convlab-runw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Only model.runWeights is called, which never touches the pool.
const h = modelHandlers({ pool: {} as JobPool });

describe('model.runWeights', () => {
  it('returns the run graph with its weights, bit for bit', async () => {
    const graph = buildTemplate('lenet5');
    const weights = initWeights(graph, new Rng(7));
    const run = join(dir, 'run-a');
    mkdirSync(run);
    writeFileSync(join(run, 'model.json'), graphToJson(graph, weights));
    const r = await h['model.runWeights']({ runDir: run });
    expect(r.weights).toBe(countWeights(weights));
    const back = parseGraphJson(JSON.stringify(r.model));
    expect(back.graph.nodes.map((n) => n.name)).toEqual(graph.nodes.map((n) => n.name));
    const node = Object.keys(weights)[0];
    const param = Object.keys(weights[node])[0];
    expect(Array.from(back.weights?.[node][param].data ?? [])).toEqual(Array.from(weights[node][param].data));
  });

  it('refuses a run without weights, a missing dir and a relative path', async () => {
    const run = join(dir, 'run-b');
    mkdirSync(run);
    writeFileSync(join(run, 'model.json'), graphToJson(buildTemplate('lenet5')));
    await expect(h['model.runWeights']({ runDir: run })).rejects.toThrow(/holds no trained weights/);
    await expect(h['model.runWeights']({ runDir: join(dir, 'nope') })).rejects.toThrow(/neither a template nor a file/);
    await expect(h['model.runWeights']({ runDir: 'relative/run' })).rejects.toThrow(/absolute/);
  });
});
