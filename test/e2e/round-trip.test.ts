import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotOnFailure, type Browser } from './helpers/browser';
import { startBuiltHost, type RunningHost } from './helpers/host';

let host: RunningHost;
let browser: Browser;

beforeAll(async () => {
  host = await startBuiltHost();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('browser host round trip (built app in Chromium)', () => {
  it('loads the page, starts a real pool job over the contract and renders its progress stream', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.goto(host.url);
    await page.getByTestId('jobs-panel').waitFor();
    expect(await page.getByTestId('transport').textContent()).toBe('websocket');

    // Record every progress count the page renders, to prove it streams rather than jumps to the end.
    // (Browser-side code as strings: the test program has no DOM types.)
    await page.evaluate(`(() => {
      const seen = [];
      window.seenCounts = seen;
      const el = document.querySelector('[data-testid="job-count"]');
      if (!el) throw new Error('no job-count element');
      new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
    })()`);
    await page.getByTestId('selftest-start').click();
    await page.locator('[data-testid="job-state"][data-state="succeeded"]').waitFor({ timeout: 60_000 });

    expect(await page.getByTestId('job-count').textContent()).toBe('40/40');
    expect(await page.getByTestId('job-progress').getAttribute('value')).toBe('40');
    expect(await page.getByTestId('job-gflops').textContent()).toMatch(/^\d+\.\d\d GFLOP\/s$/);
    expect(await page.getByTestId('job-log').textContent()).toContain('selftest: 40 steps');
    const seen: string[] = await page.evaluate('window.seenCounts');
    const intermediate = seen.filter((s) => s !== '0/40' && s !== '40/40');
    expect(intermediate.length).toBeGreaterThan(0);
    expect(browser.errors).toEqual([]);
  });

  it('without the token the page cannot reach the contract and says why', async (ctx) => {
    screenshotOnFailure(() => browser?.page, ctx.task.name);
    const { page } = browser;
    await page.evaluate('sessionStorage.clear()');
    await page.goto(host.url.replace(/\?token=.*/, ''));
    await page.getByTestId('selftest-start').click();
    const error = page.getByTestId('job-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/transport: could not connect.*token/);
    // The host refused that socket but keeps serving the tokened page.
    await page.goto(host.url);
    await page.getByTestId('selftest-start').click();
    await page.locator('[data-testid="job-state"][data-state="succeeded"]').waitFor({ timeout: 60_000 });
    expect(host.output()).toContain('refused WebSocket without a valid token');
  });
});
