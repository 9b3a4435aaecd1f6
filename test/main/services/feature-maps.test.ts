/** model.featureMaps through the services and a real pool worker; project.save takes a run's trained weights. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraphJson } from '../../../core/index';
import type { TrainJobResult } from '../../../main/pool/jobs/train';
import { closeApp, createApp, createHandlers, type AppContext } from '../../../main/services/index';
import { buildLabWorkers } from '../helpers/worker-bundle';

let app: AppContext;
let dir = '';
const saved = { ...process.env };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convlab-fmaps-'));
  process.env.CONVLAB_CONFIG_DIR = join(dir, 'config');
  app = createApp({ workerFile: await buildLabWorkers(), threads: 1 });
}, 180_000);
afterAll(async () => {
  process.env = { ...saved };
  await closeApp(app);
  rmSync(dir, { recursive: true, force: true });
});

describe('model.featureMaps', () => {
  it('returns each conv layer of LeNet-5 for a test digit, downsampled and scaled to bytes', async () => {
    const h = createHandlers(app, 'test');
    const r = await h['model.featureMaps']({ model: 'lenet5', dataset: 'mnist', split: 'test', index: 3, maxChannels: 4, maxSize: 14 });
    expect(r.initialised).toBe(true);
    expect(r.layers.map((l) => [l.node, l.op, l.shape])).toEqual([
      ['c1', 'Conv2D', [6, 28, 28]],
      ['c3', 'Conv2D', [16, 10, 10]],
    ]);
    const c1 = r.layers[0];
    expect(c1.channels).toBe(4);
    expect(c1.maps.map((m) => [m.channel, m.width, m.height])).toEqual([0, 1, 2, 3].map((c) => [c, 14, 14]));
    for (const m of c1.maps) {
      const bytes = Buffer.from(m.pixels, 'base64');
      expect(bytes.length).toBe(14 * 14);
      expect(m.max).toBeGreaterThan(m.min);
      expect(Math.max(...bytes)).toBe(255);
      expect(Math.min(...bytes)).toBe(0);
    }
    expect(r.layers[1].maps[0].width).toBe(10); // already small: not resized
    expect(r.sample.width).toBe(28);
    expect(r.probabilities?.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('a model that does not fit the data fails with both shapes named', async () => {
    const h = createHandlers(app, 'test');
    await expect(h['model.featureMaps']({ model: 'resnet8', dataset: 'mnist', split: 'test', index: 0, maxChannels: 2, maxSize: 8 })).rejects.toThrow(/takes .* inputs but mnist samples are/);
  });

  it('project.save with weightsFromRun stores the trained weights of a train job', async () => {
    const h = createHandlers(app, 'test');
    const { jobId } = await h['jobs.start']({ kind: 'train', params: { model: 'lenet5', subset: 64, evalSubset: 32, epochs: 1, batchSize: 32, backend: 'core', outDir: join(dir, 'run') } });
    const rec = await app.pool.wait(jobId);
    const run = rec.result as TrainJobResult;
    const { project } = await h['project.new']({});
    const file = join(dir, 'trained.convlab');
    await h['project.save']({ path: file, project, weightsFromRun: run.runDir });
    const opened = await h['project.open']({ path: file });
    const model = parseGraphJson(JSON.stringify(opened.project.model));
    const trained = parseGraphJson(readFileSync(run.modelFile, 'utf8'));
    expect(model.weights?.f5?.weight.data).toEqual(trained.weights?.f5?.weight.data);
    await expect(h['project.save']({ path: file, project, weightsFromRun: join(dir, 'nope') })).rejects.toThrow(/no model.json/);
  });
});
