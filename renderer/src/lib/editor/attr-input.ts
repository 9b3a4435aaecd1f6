/**
 * Attribute fields in the inspector: parse what the user typed into an attribute value of the
 * same kind as the current one, then let the op's own parseAttrs judge it, so the message under
 * the field is the core's message ("attribute "kernel" must be 2 integer(s) >= 1, got [0,3]").
 */
import { getOp, hasOp, type AttrValue, type RawAttrs } from '../../../../core/index';

export type AttrKind = 'number' | 'boolean' | 'list' | 'string';

export function attrKind(value: AttrValue): AttrKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'list';
  return 'string';
}

export function attrText(value: AttrValue): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

export type Parsed = { ok: true; value: AttrValue } | { ok: false; error: string };

/** Text -> value of `kind`. Lists accept "3, 3", "3 3" or "[3, 3]"; numbers accept "1e-3". */
export function parseAttrText(kind: AttrKind, text: string): Parsed {
  const t = text.trim();
  switch (kind) {
    case 'number': {
      if (t === '') return { ok: false, error: 'enter a number' };
      // Attributes such as kernel/pads take a number or a list: "3, 5" becomes a list.
      if (/[\s,\[]/.test(t)) return parseAttrText('list', t);
      const v = Number(t);
      return Number.isFinite(v) ? { ok: true, value: v } : { ok: false, error: `"${t}" is not a number` };
    }
    case 'boolean':
      if (t === 'true' || t === 'false') return { ok: true, value: t === 'true' };
      return { ok: false, error: 'enter true or false' };
    case 'list': {
      const body = t.replace(/^\[/, '').replace(/\]$/, '').trim();
      if (body === '') return { ok: true, value: [] };
      const parts = body.split(/[\s,x×]+/).filter((p) => p !== '');
      const values = parts.map(Number);
      const bad = parts.find((_, i) => !Number.isFinite(values[i]));
      return bad === undefined ? { ok: true, value: values } : { ok: false, error: `"${bad}" is not a number` };
    }
    case 'string':
      return { ok: true, value: t };
  }
}

/** Null when `attrs` are acceptable to the node's op, else the reason. */
export function checkAttrs(op: string, attrs: RawAttrs): string | null {
  if (op === 'Input') {
    const s = attrs.shape;
    if (!Array.isArray(s) || s.length === 0 || !s.every((d) => Number.isInteger(d) && d > 0)) {
      return `attribute "shape" must be a list of positive integers, got ${JSON.stringify(s)}`;
    }
    return null;
  }
  if (!hasOp(op)) return `unknown op type "${op}"`;
  try {
    getOp(op).parseAttrs(attrs);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Parse and validate one field edit; on success returns the node's new attrs. */
export function editAttr(op: string, attrs: RawAttrs, key: string, text: string): { ok: true; attrs: RawAttrs } | { ok: false; error: string } {
  const current = attrs[key];
  const kind: AttrKind = current === undefined ? 'string' : attrKind(current);
  const parsed = parseAttrText(kind, text);
  if (!parsed.ok) return parsed;
  const next = { ...attrs, [key]: parsed.value };
  const problem = checkAttrs(op, next);
  return problem === null ? { ok: true, attrs: next } : { ok: false, error: problem };
}
