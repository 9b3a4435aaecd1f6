import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt, repoRoot } from './helpers/host';

function convlab(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [resolve(repoRoot, 'bin/convlab.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('built CLI and bundles', () => {
  it('convlab doctor reports each check on its own line', () => {
    assertBuilt();
    const r = convlab('doctor');
    expect(r.code).toBe(0);
    for (const name of ['Electron binary', 'Display', 'ONNX Runtime', 'Chromium', 'CPU threads', 'Node']) expect(r.out).toContain(name);
    expect(r.out).toMatch(/ok\s+ONNX Runtime\s+onnxruntime-node 1\.\d+\.\d+, providers: cpu/);
    const json = JSON.parse(convlab('doctor', '--json').out);
    expect(json.node).toBe(process.version);
  });

  it('bad arguments: non-zero exit and exactly one line of reason', () => {
    for (const args of [['serve', '--port', 'abc'], ['serve', '--port', '70000'], ['doctor', '--bogus'], ['no-such-command']]) {
      const r = convlab(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('--help works for the tool and for serve and doctor', () => {
    expect(convlab('--help').out).toContain('Commands:');
    for (const c of ['serve', 'doctor']) {
      const r = convlab(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: convlab ${c}`);
    }
  });

  it('the preload is CommonJS and requires nothing but electron (so the window can stay sandboxed)', () => {
    const src = readFileSync(resolve(repoRoot, 'out/preload/index.cjs'), 'utf8');
    expect(src).not.toMatch(/^\s*import\s/m);
    const required = [...src.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(src).toContain('exposeInMainWorld');
  });

  it('the renderer bundle carries no schema library or Node code', () => {
    const html = readFileSync(resolve(repoRoot, 'out/renderer/index.html'), 'utf8');
    const js = [...html.matchAll(/src="\.?\/?(assets\/[^"]+\.js)"/g)].map((m) => readFileSync(resolve(repoRoot, 'out/renderer', m[1]), 'utf8'));
    expect(js.length).toBeGreaterThan(0);
    for (const src of js) {
      expect(src).not.toMatch(/ZodError|node:fs|ipcRenderer/);
    }
  });
});
