import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, parseGraphJson, splitDataset } from '../../../core/index';
import { runCli } from '../../../main/cli/run-cli';
import { trainCommand } from '../../../main/cli/commands/train';
import { checkDataFitsModel, runTraining, type RunMetrics } from '../../../main/train/run-training';
import { blobs, mlp } from '../../core/train/helpers';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'convlab-run-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const data = splitDataset(blobs(90, 2), { val: 15, test: 15 }, 3);
const settings = { batchSize: 12, lr: 0.05, optimizer: { kind: 'sgd', momentum: 0.9 }, seed: 4, threads: 1, dataSpec: 'blobs' } as const;

describe('runTraining', () => {
  it('writes checkpoint, model.json with weights and metrics.json; --resume continues from the checkpoint', async () => {
    const out = tempDir();
    const two = await runTraining({ graph: mlp(), data, epochs: 2, outDir: out, ...settings });
    expect(two.status).toBe('completed');
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(metrics.epochs).toHaveLength(2);
    expect(metrics.testAccuracy).toBeGreaterThan(0.8);
    expect(metrics.imagesPerSec).toBeGreaterThan(0);
    const model = parseGraphJson(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(model.graph.name).toBe('mlp');
    expect(model.weights?.fc1.weight.shape).toEqual([8, 4]);
    const cp = decodeCheckpoint(readFileSync(join(out, 'checkpoint.clck')));
    expect(cp.epoch).toBe(2);
    expect(Array.from(cp.weights.fc2.bias.data)).toEqual(Array.from(model.weights?.fc2.bias.data ?? []));
    expect(existsSync(join(out, 'metrics.json.tmp-' + process.pid))).toBe(false);

    // Three epochs straight vs two + resume: same history.
    const straight = await runTraining({ graph: mlp(), data, epochs: 3, outDir: tempDir(), ...settings });
    const resumed = await runTraining({ graph: mlp(), data, epochs: 3, outDir: out, resume: true, ...settings });
    expect(resumed.epochs.map((e) => e.trainLoss)).toEqual(straight.epochs.map((e) => e.trainLoss));
    expect(resumed.testAccuracy).toBe(straight.testAccuracy);
  });

  it('refuses data that does not fit the model, naming both shapes', () => {
    const wide = splitDataset(blobs(30, 1, 12), { val: 0, test: 0 }, 1);
    expect(() => checkDataFitsModel(mlp(8, 3), wide)).toThrow(/outputs 1x3 but the data has 12 classes/);
  });
});

describe('convlab train (CLI)', () => {
  it('trains LeNet-5 on a folder of PNG digits and prints the final metrics line', async () => {
    const root = tempDir();
    for (const cls of ['bar', 'dot']) {
      mkdirSync(join(root, cls));
      for (let k = 0; k < 10; k++) {
        const img = new Uint8Array(28 * 28);
        for (let y = 0; y < 28; y++) {
          for (let x = 0; x < 28; x++) {
            const on = cls === 'bar' ? Math.abs(x - 10 - k) < 2 : (x - 14) ** 2 + (y - 14) ** 2 < 9 + k;
            img[y * 28 + x] = on ? 255 : 0;
          }
        }
        writeFileSync(join(root, cls, `${k}.png`), encodePng({ width: 28, height: 28, data: img, channels: 1, depth: 8 }));
      }
    }
    const out = join(tempDir(), 'run');
    const lines: string[] = [];
    const errs: string[] = [];
    const code = await runCli(
      ['train', 'lenet5', '--data', `folder:${root}`, '--epochs', '2', '--batch', '8', '--threads', '1', '--backend', 'core', '--out', out, '--set', 'classes=2'],
      [trainCommand],
      { out: (l) => lines.push(l), err: (l) => errs.push(l), interrupted: new Promise<void>(() => undefined) },
    );
    expect(errs.join('\n')).toContain('epoch 2/2');
    expect(code).toBe(0);
    expect(lines[lines.length - 1]).toMatch(/^completed: test accuracy \d+\.\d\d% .* images\/s .*run dir /);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as RunMetrics;
    expect(metrics.epochs).toHaveLength(2);
    expect(typeof metrics.testAccuracy).toBe('number');
    expect(existsSync(join(out, 'checkpoint.clck'))).toBe(true);
  });

  it('rejects bad options with a one-line usage error', async () => {
    const errs: string[] = [];
    const io = { out: () => undefined, err: (l: string) => errs.push(l), interrupted: new Promise<void>(() => undefined) };
    expect(await runCli(['train', 'lenet5', '--optimizer', 'rmsprop'], [trainCommand], io)).toBe(2);
    expect(await runCli(['train', 'lenet5', '--data', 'nowhere:x', '--backend', 'core'], [trainCommand], io)).toBe(1);
    expect(errs.join('\n')).toMatch(/--optimizer must be one of sgd, adam, adamw/);
    expect(errs.join('\n')).toMatch(/unknown data source "nowhere:x"/);
  });
});
