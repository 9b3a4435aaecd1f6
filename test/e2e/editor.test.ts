/**
 * The editor as a new user meets it, in Chromium against the built browser host: LeNet-5 on first
 * run, then building Conv -> ReLU -> MaxPool -> Dense by dragging from the palette and wiring
 * ports, shapes on the edges, a deliberate shape error named on the node, undo, the inspector's
 * validation, themes, and the light ResNet-50 opened and laid out. Screenshots go to test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotOnFailure, type Browser } from './helpers/browser';
import { repoRoot, startBuiltHost, type RunningHost } from './helpers/host';
import { LIGHT_DIR } from '../fixtures/conformance-dir';

let host: RunningHost;
let browser: Browser;
const shots = join(repoRoot, 'test-results');
const RESNET = join(LIGHT_DIR, 'light_resnet50.onnx');

const home = mkdtempSync(join(tmpdir(), 'convlab-editor-'));

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // A fresh config dir: first run, no recent projects, no recovery copies from other runs.
  host = await startBuiltHost([], { CONVLAB_CONFIG_DIR: join(home, 'config'), CONVLAB_PROJECTS_DIR: join(home, 'projects'), CONVLAB_RUNS_DIR: join(home, 'runs') });
  browser = await launchBrowser();
  await browser.page.setViewportSize({ width: 1400, height: 860 });
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  rmSync(home, { recursive: true, force: true });
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, `${name}.png`) });
const node = (page: Page, name: string) => page.locator(`.svelte-flow__node[data-id="${name}"]`);
const edgeLabels = async (page: Page) => (await page.getByTestId('edge-label').allTextContents()).sort();

/** Drag a palette item onto the canvas at (x, y) relative to the canvas' top-left corner. */
async function drop(page: Page, op: string, x: number, y: number): Promise<void> {
  await page.dragAndDrop(`[data-testid="palette-item"][data-name="${op}"]`, '[data-testid="canvas"]', { targetPosition: { x, y } });
}

/** Wire `from`'s output port to `to`'s input port with the mouse. */
async function wire(page: Page, from: string, to: string): Promise<void> {
  const a = await node(page, from).locator('.svelte-flow__handle.source').boundingBox();
  const b = await node(page, to).locator('.svelte-flow__handle.target').boundingBox();
  if (!a || !b) throw new Error(`no handles for ${from} -> ${to}`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

describe('the lab editor in the browser', () => {
  it('opens LeNet-5 on first run with shapes on every edge and no problems', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.goto(host.url);
    // LeNet-5 is laid out by ELK in its worker; under load that can take a while.
    await expect.poll(() => page.getByTestId('canvas-node').count(), { timeout: 30_000 }).toBe(13);
    await page.getByTestId('no-problems').waitFor();
    expect(await page.getByTestId('project-name').inputValue()).toBe('LeNet-5 on MNIST');
    const labels = await edgeLabels(page);
    expect(labels).toHaveLength(12);
    expect(labels).toContain('N×1×28×28');
    expect(labels.every((l) => /^N(×\d+)+$/.test(l))).toBe(true);
    await page.getByTestId('tab-summary').click();
    expect(Number((await page.getByTestId('total-params').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(10_000);
    await page.waitForTimeout(300);
    await shot(page, 'editor-lenet5');
    await page.getByTestId('tab-inspector').click();
  });

  it('trains LeNet-5 for one short epoch on a subset of the bundled digits with the curves updating', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.getByTestId('tab-training').click();
    const training = page.getByTestId('training');
    await training.getByLabel('images').fill('256');
    await training.getByLabel('epochs').fill('1');
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="train-state"][data-state="succeeded"]').waitFor({ timeout: 120_000 });
    expect(Number(await page.getByTestId('loss-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('accuracy-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    expect(await page.getByTestId('train-test').textContent()).toMatch(/test accuracy \d+\.\d%/);
    await shot(page, 'editor-training');
    await page.getByTestId('tab-problems').click();
  });

  it('builds Conv -> ReLU -> MaxPool -> Dense by drag and drop, names a shape error, undoes it', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    // Training attached its weights to the project, so New asks first.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'New' }).click();
    await page.getByText('An empty canvas').waitFor();
    await page.getByTestId('no-problems').waitFor();
    await shot(page, 'editor-empty');

    await drop(page, 'Input', 140, 40);
    await drop(page, 'Conv2D', 140, 170);
    await drop(page, 'ReLU', 140, 300);
    await drop(page, 'MaxPool2D', 140, 430);
    await drop(page, 'Dense', 480, 430);
    await expect.poll(() => page.getByTestId('canvas-node').count()).toBe(5);

    await wire(page, 'input_1', 'conv2d_1');
    await wire(page, 'conv2d_1', 'relu_1');
    await wire(page, 'relu_1', 'maxpool2d_1');
    await expect.poll(() => edgeLabels(page)).toEqual(['N×1×28×28', 'N×16×26×26', 'N×16×26×26'].sort());

    // Deliberate error: a Dense straight after the 4-d pooling output.
    await wire(page, 'maxpool2d_1', 'dense_1');
    const error = node(page, 'dense_1').getByTestId('node-error');
    await error.waitFor();
    const message = (await error.textContent()) ?? '';
    expect(message).toContain('Dense "dense_1"');
    expect(message).toContain('1x16x13x13');
    expect(message).toMatch(/rank 2/);
    expect(await page.getByTestId('problems').textContent()).toContain('dense_1');
    await shot(page, 'editor-shape-error');

    // Undo the connection: the rank error is gone (Dense simply has no input again).
    await page.locator('.svelte-flow__pane').click({ position: { x: 700, y: 80 } });
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await node(page, 'dense_1').textContent()) ?? '').not.toMatch(/rank 2/);
    await expect.poll(() => edgeLabels(page)).toEqual(['N×1×28×28', 'N×16×26×26', 'N×16×26×26'].sort());

    // Fix it properly: Flatten in between.
    await drop(page, 'Flatten', 480, 170);
    await wire(page, 'maxpool2d_1', 'flatten_1');
    await wire(page, 'flatten_1', 'dense_1');
    await page.getByTestId('no-problems').waitFor();
    await expect.poll(() => edgeLabels(page)).toEqual(['N×1×28×28', 'N×16×13×13', 'N×16×26×26', 'N×16×26×26', 'N×2704'].sort());
    expect(await node(page, 'dense_1').textContent()).toContain('N×10');
    await shot(page, 'editor-built');
  });

  it('validates attributes as you type and applies valid values live', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await node(page, 'conv2d_1').click();
    const filters = page.getByTestId('attr-filters');
    await filters.fill('abc');
    await expect.poll(() => page.getByTestId('inspector').textContent()).toContain('"abc" is not a number');
    await filters.fill('0');
    await expect.poll(() => page.getByTestId('inspector').textContent()).toMatch(/filters/);
    await filters.fill('8');
    await expect.poll(() => edgeLabels(page)).toEqual(['N×1×28×28', 'N×1352', 'N×8×13×13', 'N×8×26×26', 'N×8×26×26'].sort());
    await shot(page, 'editor-inspector');
    // One undo step for the whole typing run.
    await page.locator('.svelte-flow__pane').click({ position: { x: 700, y: 80 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => edgeLabels(page)).toContain('N×2704');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => edgeLabels(page)).toContain('N×1352');
  });

  it('deletes a selected edge with Delete, copies and pastes nodes with Ctrl+C / Ctrl+V', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.locator('[data-testid="edge-label"]', { hasText: 'N×1352' }).click();
    await page.keyboard.press('Delete');
    await expect.poll(() => edgeLabels(page)).not.toContain('N×1352');
    await expect.poll(async () => (await node(page, 'dense_1').textContent()) ?? '').toMatch(/expects 1 input/);
    await page.keyboard.press('Control+z');
    await expect.poll(() => edgeLabels(page)).toContain('N×1352');

    await node(page, 'relu_1').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await node(page, 'relu_2').waitFor();
    // The copy keeps its outside input, so it is fed by the same conv.
    await expect.poll(() => edgeLabels(page)).toEqual(['N×1×28×28', 'N×1352', 'N×8×13×13', 'N×8×26×26', 'N×8×26×26', 'N×8×26×26'].sort());
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('canvas-node').count()).toBe(6);
  });

  it('offers the autosaved work after a reload and restores it, unsaved marker included', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    const before = await edgeLabels(page);
    await page.waitForTimeout(1500); // autosave (project.autosave) is debounced
    const accept = (d: { accept(): Promise<void> }) => void d.accept();
    page.on('dialog', accept);
    await page.reload();
    page.off('dialog', accept);
    await page.getByTestId('recovery').waitFor({ timeout: 30_000 });
    await page.getByTestId('recovery-restore').click();
    await expect.poll(() => page.getByTestId('canvas-node').count()).toBe(6);
    await expect.poll(() => edgeLabels(page)).toEqual(before);
    await page.getByTestId('dirty').waitFor();
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
  });

  it('switches to the dark theme', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.getByTestId('theme').click();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await shot(page, 'editor-dark');
    await page.getByTestId('theme').click();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('light');
  });

  it('adds a template block after the selected node, expands it, undoes, and groups with Ctrl+G', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'New' }).click();
    await page.getByText('An empty canvas').waitFor();
    await drop(page, 'Input', 300, 40);
    await node(page, 'input_1').click();
    await page.getByTestId('attr-shape').fill('64x32x32');
    await page.getByTestId('attr-shape').blur();
    await page.getByTestId('palette-search').fill('resnet basic');
    await page.locator('[data-testid="palette-item"][data-name="resnet-basic"]').click();
    const block = page.locator('[data-testid="canvas-block"][data-name="resnet-basic"]');
    await block.waitFor();
    await page.getByTestId('no-problems').waitFor();
    expect(await edgeLabels(page)).toEqual(['N×64×32×32']);
    expect(await block.textContent()).toContain('N×64×32×32');
    await shot(page, 'editor-block');

    await block.getByRole('button', { name: 'Expand' }).click();
    await expect.poll(() => page.getByTestId('canvas-node').count()).toBe(8);
    await page.getByTestId('no-problems').waitFor();
    await page.locator('.svelte-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await block.waitFor();
    await expect.poll(() => page.getByTestId('canvas-node').count()).toBe(1);

    // Unfold again, multi-select two nodes with Ctrl+click, Ctrl+G folds them into a new block.
    await block.getByRole('button', { name: 'Expand' }).click();
    await expect.poll(() => page.getByTestId('canvas-node').count()).toBe(8);
    const members = await page.getByTestId('canvas-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
    const [a, b] = members.filter((m) => m.startsWith('resnet-basic/')).slice(0, 2);
    await node(page, a).click();
    await node(page, b).click({ modifiers: ['Control'] });
    await page.keyboard.press('Control+g');
    await page.locator('[data-testid="canvas-block"][data-name="block_1"]').waitFor();
    await expect.poll(() => page.getByTestId('canvas-node').count()).toBe(6);
    await page.getByTestId('no-problems').waitFor();
    await page.getByTestId('palette-search').fill('');
  });

  it('opens the light ResNet-50, lays it out and stays clean', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    page.once('dialog', (d) => void d.accept());
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await (await chooser).setFiles(RESNET);
    await expect.poll(() => page.getByTestId('project-name').inputValue(), { timeout: 60_000 }).toBe('light_resnet50');
    await page.getByTestId('no-problems').waitFor();
    // Only what is on screen is rendered for big graphs; the visible ones are laid out without overlaps.
    await page.waitForTimeout(500);
    const boxes = await page.getByTestId('canvas-node').evaluateAll(
      (els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })),
    );
    expect(boxes.length).toBeGreaterThan(3);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
      }
    await shot(page, 'editor-resnet50');

    // Responsiveness on ~180 nodes: Ctrl+D / Ctrl+Z from key event to the second animation frame
    // after it (the update is painted), measured in the page. Median of four.
    await page.getByTestId('canvas-node').first().click();
    const times: number[] = [];
    for (const key of ['d', 'z', 'd', 'z']) {
      times.push(
        await page.evaluate(`(async () => {
          const t0 = performance.now();
          window.dispatchEvent(new KeyboardEvent('keydown', { key: '${key}', ctrlKey: true, bubbles: true }));
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - t0;
        })()`),
      );
    }
    console.log(`ResNet-50 edit to paint (ms): ${times.map((t) => t.toFixed(0)).join(', ')}`);
    times.sort((x, y) => x - y);
    // The first edit after opening pays for warm-up; once warm an edit paints within a few frames.
    // (Bounds are loose: the test machine is shared and often heavily loaded.)
    expect(times[0]).toBeLessThan(100);
    expect((times[1] + times[2]) / 2).toBeLessThan(1000);
    expect(await page.getByTestId('undo').getAttribute('title')).not.toContain('paste');
    await page.getByTestId('tab-summary').click();
    expect(Number((await page.getByTestId('total-params').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(20_000_000);
    expect(browser.errors).toEqual([]);
  });
});
