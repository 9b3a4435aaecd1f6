/**
 * The export job's result as the dialog shows it: file, size, opset, and the parity report (max
 * absolute / relative error of the file run by ONNX Runtime against the core, pass or fail).
 * Job results cross the contract untyped (`unknown`), so this reads them field by field.
 */
export interface ExportReport {
  path: string;
  bytes: number;
  opset: number;
  initialised: boolean;
  nodes: number;
  parity: { ok: boolean; maxAbs: number; maxRel: number; rtol: number; atol: number; batch: number };
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : undefined;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

/** undefined when `v` is not an export result. */
export function readExportReport(v: unknown): ExportReport | undefined {
  const r = rec(v);
  const p = rec(r?.parity);
  if (!r || !p || typeof r.path !== 'string') return undefined;
  return {
    path: r.path,
    bytes: num(r.bytes),
    opset: num(r.opset),
    initialised: r.initialised === true,
    nodes: num(r.nodes),
    parity: { ok: p.ok === true, maxAbs: num(p.maxAbs), maxRel: num(p.maxRel), rtol: num(p.rtol), atol: num(p.atol), batch: num(p.batch) },
  };
}

/** "/dir/name.onnx" beside the projects folder for a model name. */
export function defaultOnnxPath(dir: string, name: string): string {
  const base = name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${dir.replace(/[\\/]+$/, '')}/${base}.onnx`;
}

export function sci(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2) : '—';
}
