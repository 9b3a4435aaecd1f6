/**
 * The lab as a user works through it, in Chromium against the built browser host (fresh config,
 * projects and runs folders): the first-run LeNet-5 project saved and reopened through the in-app
 * picker, the bundled digits previewed, one short training epoch on a subset with the curves
 * updating and the confusion matrix appearing, the trained weights kept in the project, two runs
 * compared, feature maps, and an ONNX export whose file this test loads in onnxruntime-node
 * (through main/ort/adapter.ts) and checks against the core with the project's weights.
 * Screenshots go to test-results/lab-*.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraphJson, Rng, Tensor } from '../../core/index';
import { runCore } from '../../main/onnx/parity';
import { createSession, releaseSession, runFloat } from '../../main/ort/adapter';
import { launchBrowser, screenshotOnFailure, type Browser } from './helpers/browser';
import { repoRoot, startBuiltHost, type RunningHost } from './helpers/host';

let host: RunningHost;
let browser: Browser;
const shots = join(repoRoot, 'test-results');
const home = mkdtempSync(join(tmpdir(), 'convlab-lab-'));
const projects = join(home, 'projects');
const projectFile = join(projects, 'lenet-lab.convlab');
const onnxFile = join(home, 'export', 'lenet-lab.onnx');

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  mkdirSync(join(home, 'export'), { recursive: true });
  host = await startBuiltHost([], { CONVLAB_CONFIG_DIR: join(home, 'config'), CONVLAB_PROJECTS_DIR: projects, CONVLAB_RUNS_DIR: join(home, 'runs') });
  browser = await launchBrowser();
  await browser.page.setViewportSize({ width: 1440, height: 900 });
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  rmSync(home, { recursive: true, force: true });
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`) });

/** Drag the bottom panel's splitter so the dashboard has room. */
async function tallBottom(page: Page, height: number): Promise<void> {
  const bar = page.getByRole('separator', { name: 'Resize the bottom panel' });
  const box = await bar.boundingBox();
  if (!box) throw new Error('no bottom splitter');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, 900 - height, { steps: 4 });
  await page.mouse.up();
}

/** Dismiss every toast (cleaner screenshots). */
async function clearToasts(page: Page): Promise<void> {
  for (const b of await page.getByRole('button', { name: 'Dismiss' }).all()) await b.click().catch(() => {});
}

async function train(page: Page, images: string, batch = '32'): Promise<void> {
  const training = page.getByTestId('training');
  await training.getByLabel('batch').fill(batch);
  await training.getByLabel('images').fill(images);
  await training.getByLabel('epochs').fill('1');
  await training.getByLabel('epochs').blur();
  await page.getByTestId('train-start').click();
  await page.locator('[data-testid="train-state"][data-state="succeeded"]').waitFor({ timeout: 150_000 });
}

describe('the lab: projects, data, training, export', () => {
  it('saves the first-run LeNet-5 project and reopens it', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.goto(host.url);
    await expect.poll(() => page.getByTestId('canvas-node').count(), { timeout: 30_000 }).toBe(13);
    expect(await page.getByTestId('project-name').inputValue()).toBe('LeNet-5 on MNIST');
    expect(await page.getByTestId('project-file').textContent()).toBe('untitled');
    await page.getByTestId('tab-summary').click();
    await page.waitForTimeout(300);
    await shot(page, 'lab-editor');

    // Untitled: Ctrl+S asks where, in the in-app picker.
    await page.keyboard.press('Control+s');
    await page.getByTestId('project-picker').waitFor();
    await page.getByTestId('picker-file-name').fill('lenet-lab');
    await page.getByTestId('picker-ok').click();
    await expect.poll(() => page.getByTestId('project-file').textContent()).toBe('lenet-lab.convlab');
    expect(existsSync(projectFile)).toBe(true);
    expect(await page.getByTestId('dirty').count()).toBe(0);

    // An edit marks it dirty; New asks before losing it.
    await page.getByTestId('project-name').fill('LeNet-5 lab');
    await page.getByTestId('project-name').press('Enter');
    await page.getByTestId('dirty').waitFor();
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('dirty').count()).toBe(0);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'New' }).click();
    await page.getByText('An empty canvas').waitFor();

    // Reopen through the picker.
    await page.keyboard.press('Control+o');
    await page.getByTestId('project-picker').waitFor();
    await page.getByTestId('picker-file').filter({ hasText: 'lenet-lab.convlab' }).click();
    await expect.poll(() => page.getByTestId('canvas-node').count(), { timeout: 30_000 }).toBe(13);
    expect(await page.getByTestId('project-name').inputValue()).toBe('LeNet-5 lab');
    expect(await page.getByTestId('project-file').textContent()).toBe('lenet-lab.convlab');
    // The recent menu lists it.
    await page.getByTestId('recent').click();
    await expect.poll(() => page.getByTestId('recent-menu').textContent()).toContain('lenet-lab.convlab');
    await page.getByTestId('recent').click();
  });

  it('previews the bundled digits with labels and class counts', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await tallBottom(page, 420);
    await page.getByTestId('tab-data').click();
    await expect.poll(() => page.getByTestId('dataset-grid').getAttribute('data-count'), { timeout: 30_000 }).toBe('40');
    const labels = await page.getByTestId('sample-label').allTextContents();
    expect(labels).toHaveLength(40);
    expect(labels.every((l) => /^\d$/.test(l))).toBe(true);
    const counts = page.getByTestId('class-counts').locator('tr');
    expect(await counts.count()).toBe(10);
    const n = (await counts.locator('td.n').allTextContents()).map(Number);
    expect(n.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    // A folder that does not exist is refused with the loader's reason, as a toast.
    await page.getByTestId('dataset-dir').fill('/no/such/folder');
    await page.getByTestId('dataset-add').click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toContainEqual(expect.stringMatching(/no such folder/));
    await page.getByTestId('dataset-dir').fill('');
    await clearToasts(page);
    await shot(page, 'lab-data');
  });

  it('trains one short epoch on a subset with the curves updating and the confusion matrix appearing', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.getByTestId('tab-training').click();
    await train(page, '1024');
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('accuracy-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await page.getByTestId('train-test').textContent()).toMatch(/test accuracy \d+\.\d%/);
    const cm = page.getByTestId('confusion-matrix');
    await cm.waitFor();
    expect(Number(await cm.getAttribute('data-total'))).toBeGreaterThan(0);
    // The trained weights are now the project's (unsaved until Ctrl+S).
    await page.getByText(/Trained weights .* kept in the project/).waitFor({ timeout: 30_000 });
    await page.getByTestId('dirty').waitFor();
    await clearToasts(page);
    await page.waitForTimeout(300);
    await shot(page, 'lab-dashboard');
  });

  it('lists runs and overlays them on one chart; shows feature maps', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await train(page, '512', '16');
    await page.getByTestId('tab-runs').click();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    await expect.poll(async () => Number(await page.getByTestId('runs-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    await clearToasts(page);
    await shot(page, 'lab-runs');
    await page.getByTestId('tab-maps').click();
    await page.getByTestId('feature-maps-show').click();
    await expect.poll(() => page.getByTestId('feature-layer').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('feature-maps').textContent()).toContain('trained weights');
    await shot(page, 'lab-feature-maps');
    // Save: the file now holds the trained weights and both runs.
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('dirty').count()).toBe(0);
    const saved: { runs: unknown[]; model: { weights?: object } } = JSON.parse(readFileSync(projectFile, 'utf8'));
    expect(saved.runs).toHaveLength(2);
    expect(saved.model.weights).toBeDefined();
  });

  it('exports to ONNX with the parity report; the file loads in onnxruntime-node and matches the core', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.keyboard.press('Control+e');
    await page.getByTestId('export-dialog').waitFor();
    await page.getByTestId('export-path').fill(onnxFile);
    await page.getByTestId('export-opset').selectOption('17');
    await clearToasts(page);
    await page.getByTestId('export-run').click();
    const report = page.getByTestId('export-report');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.getAttribute('data-ok')).toBe('true');
    expect(Number(await page.getByTestId('parity-abs').textContent())).toBeLessThan(1e-3);
    expect(await report.textContent()).toContain("the project's weights");
    await shot(page, 'lab-export');

    // The written file, run by onnxruntime-node, against the core with the saved project's weights.
    const project: { model: unknown } = JSON.parse(readFileSync(projectFile, 'utf8'));
    const { graph, weights } = parseGraphJson(JSON.stringify(project.model));
    if (!weights) throw new Error('the saved project has no weights');
    const rng = new Rng(11);
    const x = new Tensor([2, 1, 28, 28]);
    for (let i = 0; i < x.data.length; i++) x.data[i] = rng.next();
    const input = graph.nodes.find((n) => n.op === 'Input')?.name ?? '';
    const core = runCore(graph, weights, { [input]: x })[0];
    const session = await createSession(new Uint8Array(readFileSync(onnxFile)), { provider: 'cpu', intraOpThreads: 1 });
    try {
      const out = await runFloat(session, { [session.inputNames[0]]: { shape: [2, 1, 28, 28], data: x.data } });
      const got = out[session.outputNames[0]];
      expect(got.shape).toEqual([...core.shape]);
      let maxAbs = 0;
      for (let i = 0; i < got.data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(got.data[i] - core.data[i]));
      expect(maxAbs).toBeLessThan(1e-4);
    } finally {
      await releaseSession(session);
    }

    // A bad path is refused as a toast, and nothing is lost.
    await page.getByTestId('export-path').fill('relative.onnx');
    await page.getByTestId('export-run').click();
    await expect.poll(() => page.getByRole('alert').allTextContents(), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/absolute \.onnx/));
    expect(browser.errors).toEqual([]);
  });
});
