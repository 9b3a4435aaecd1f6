/**
 * The outside check: onnx.checker.check_model(full_check=True) from Debian's python3-onnx accepts every
 * exported template (opsets 11, 13 and 17; onnx 1.12 knows opsets up to 17) and every op case at opset 17.
 * Runs when `/usr/bin/python3 -c "import onnx"` works; reported as skipped otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTemplate, encodeModel, exportOnnx, listTemplates } from '../../../core/index';
import { trainedLike } from './helpers';
import { opCases } from './op-cases';

const PYTHON = '/usr/bin/python3';
const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;

const SCRIPT = `
import json, sys, onnx
out = {}
for path in sys.argv[1:]:
    try:
        m = onnx.load(path)
        onnx.checker.check_model(m, full_check=True)
        out[path] = None
    except Exception as e:
        out[path] = str(e)[:400]
print(json.dumps(out))
`;

const dir = mkdtempSync(join(tmpdir(), 'convlab-checker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(files: Record<string, Uint8Array>): Record<string, string | null> {
  const paths: string[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    const p = join(dir, `${name}.onnx`);
    writeFileSync(p, bytes);
    paths.push(p);
  }
  const r = spawnSync(PYTHON, ['-c', SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`python3 onnx checker failed to run: ${r.stderr}`);
  const res: unknown = JSON.parse(r.stdout);
  if (!res || typeof res !== 'object') throw new Error('checker gave no JSON object');
  const out: Record<string, string | null> = {};
  for (const [p, v] of Object.entries(res)) out[p.slice(dir.length + 1, -'.onnx'.length)] = typeof v === 'string' ? v : null;
  return out;
}

describe.skipIf(!hasOnnx)('onnx.checker.check_model(full_check=True) (python3-onnx)', () => {
  it('accepts every exported template at opsets 11, 13 and 17', () => {
    const files: Record<string, Uint8Array> = {};
    for (const t of listTemplates()) {
      for (const opset of [11, 13, 17]) files[`${t.name}-opset${opset}`] = encodeModel(exportOnnx(buildTemplate(t.name), undefined, { opset }).model);
    }
    const res = check(files);
    expect(Object.keys(res).length).toBe(listTemplates().length * 3);
    expect(Object.entries(res).filter(([, err]) => err !== null)).toEqual([]);
  });

  it('accepts every op case at opset 17', () => {
    const files: Record<string, Uint8Array> = {};
    for (const c of opCases()) files[`op-${c.name}`] = encodeModel(exportOnnx(c.graph, trainedLike(c.graph, 2)).model);
    const res = check(files);
    expect(Object.keys(res).length).toBe(opCases().length);
    expect(Object.entries(res).filter(([, err]) => err !== null)).toEqual([]);
  });

  it('rejects a broken model (the check can fail)', () => {
    const model = exportOnnx(buildTemplate('lenet5')).model;
    const broken = { ...model, graph: { ...model.graph, node: (model.graph?.node ?? []).slice(1) } };
    const res = check({ broken: encodeModel(broken) });
    expect(res.broken).toMatch(/./);
  });
});
