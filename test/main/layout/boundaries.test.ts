/** The arrows of the house: core imports only core; renderer sees main's contract as types only; electron stays in main/electron. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

function files(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, exts));
    else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

interface Import {
  file: string;
  spec: string;
  typeOnly: boolean;
}

function imports(file: string): Import[] {
  const src = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(re)) found.push({ file: relative(root, file), spec: m[3], typeOnly: m[2] !== undefined });
  for (const m of src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ file: relative(root, file), spec: m[1], typeOnly: false });
  return found;
}

describe('layout boundaries', () => {
  it('core/ imports only core/ (no node:*, packages, electron, svelte, DOM helpers)', () => {
    const coreDir = join(root, 'core');
    const all = files(coreDir, ['.ts']).flatMap(imports);
    expect(all.length).toBeGreaterThan(50); // the scan sees the core's imports at all
    const bad = all.filter((i) => !i.spec.startsWith('.') || !resolve(root, i.file, '..', i.spec).startsWith(coreDir));
    expect(bad).toEqual([]);
  });

  it('the renderer reaches main/ only through `import type` of the contract', () => {
    const toMain = files(join(root, 'renderer/src'), ['.ts', '.svelte'])
      .flatMap(imports)
      .filter((i) => i.spec.includes('/main/'));
    expect(toMain.some((i) => i.file.includes('client') && i.typeOnly)).toBe(true);
    const bad = toMain.filter((i) => !i.typeOnly || !i.spec.includes('/main/contract/'));
    expect(bad).toEqual([]);
  });

  it('only main/electron/ imports electron at run time, so vitest and the CLI never load it', () => {
    const bad = files(join(root, 'main'), ['.ts'])
      .flatMap(imports)
      .filter((i) => i.spec === 'electron' && !i.typeOnly && !i.file.startsWith(join('main', 'electron')));
    expect(bad).toEqual([]);
    const cliSide = files(join(root, 'main'), ['.ts'])
      .filter((f) => !f.includes(join('main', 'electron')))
      .flatMap(imports)
      .filter((i) => i.spec.includes('/electron/') && !i.typeOnly);
    expect(cliSide).toEqual([]);
  });

  it('only main/ort/ imports onnxruntime-node', () => {
    const bad = [...files(join(root, 'main'), ['.ts']), ...files(join(root, 'core'), ['.ts']), ...files(join(root, 'renderer/src'), ['.ts', '.svelte'])]
      .flatMap(imports)
      .filter((i) => i.spec.startsWith('onnxruntime') && !i.file.startsWith(join('main', 'ort')));
    expect(bad).toEqual([]);
  });
});
