/**
 * The palette's entries: every core op (by category) and every template block, with search.
 * Templates come from core's layer library; the list is passed in so this stays testable.
 */
import { listOps } from '../../../../core/index';

export interface PaletteEntry {
  kind: 'op' | 'template';
  /** Op type or template name. */
  name: string;
  summary: string;
  category: string;
}

export interface TemplateInfo {
  name: string;
  summary: string;
  /** 'model' for whole networks (LeNet-5...), 'block' for units (residual, inception...). */
  kind?: string;
}

const CATEGORY_ORDER = ['io', 'conv', 'pool', 'activation', 'norm', 'dense', 'structure', 'math', 'attention', 'graph'];

export const CATEGORY_LABEL: Record<string, string> = {
  io: 'Input / output',
  conv: 'Convolution',
  pool: 'Pooling',
  activation: 'Activations',
  norm: 'Normalisation',
  dense: 'Dense',
  structure: 'Structure',
  math: 'Math',
  attention: 'Attention',
  graph: 'Graph',
  block: 'Blocks and models',
  model: 'Models',
};

export function paletteEntries(templates: readonly TemplateInfo[] = []): PaletteEntry[] {
  const ops: PaletteEntry[] = [
    { kind: 'op', name: 'Input', summary: 'A graph input; set its per-sample shape (e.g. 1x28x28).', category: 'io' },
    ...listOps().map((op) => ({ kind: 'op' as const, name: op.type, summary: op.summary, category: op.category })),
  ];
  ops.sort((a, b) => CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category));
  const blocks = templates.map((t): PaletteEntry => ({ kind: 'template', name: t.name, summary: t.summary, category: t.kind === 'model' ? 'model' : 'block' }));
  return [...ops, ...blocks];
}

/** Case-insensitive match on name, summary and category; every word must match somewhere. */
export function searchPalette(entries: readonly PaletteEntry[], query: string): PaletteEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [...entries];
  const scored = entries
    .map((e) => {
      const name = e.name.toLowerCase();
      const hay = `${name} ${e.summary.toLowerCase()} ${e.category} ${(CATEGORY_LABEL[e.category] ?? '').toLowerCase()}`;
      if (!words.every((w) => hay.includes(w))) return undefined;
      const score = words.reduce((s, w) => s + (name.startsWith(w) ? 3 : name.includes(w) ? 2 : 1), 0);
      return { e, score };
    })
    .filter((x): x is { e: PaletteEntry; score: number } => x !== undefined);
  return scored.sort((a, b) => b.score - a.score).map((x) => x.e);
}

export function groupByCategory(entries: readonly PaletteEntry[]): [string, PaletteEntry[]][] {
  const groups = new Map<string, PaletteEntry[]>();
  for (const e of entries) groups.set(e.category, [...(groups.get(e.category) ?? []), e]);
  return [...groups];
}

/** The drag payload type for palette -> canvas drops. */
export const DRAG_MIME = 'application/x-convlab-palette';

export function encodeDrag(e: Pick<PaletteEntry, 'kind' | 'name'>): string {
  return JSON.stringify({ kind: e.kind, name: e.name });
}

export function decodeDrag(text: string): Pick<PaletteEntry, 'kind' | 'name'> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && 'kind' in v && 'name' in v && (v.kind === 'op' || v.kind === 'template') && typeof v.name === 'string') {
      return { kind: v.kind, name: v.name };
    }
  } catch {
    // not ours
  }
  return undefined;
}
