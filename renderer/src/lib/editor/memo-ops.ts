/**
 * Memoised ops for live analysis. Ops are pure functions of (attributes, input shapes), and the
 * editor's edits are immutable, so an unchanged node keeps the very same attrs object: caching
 * parseAttrs by that object, and shapes/params/FLOPs by (parsed attrs, input shapes), makes
 * re-analysis after an edit cost about one lookup per unchanged node. Errors are cached and
 * rethrown too, so messages stay identical.
 */
import { getOp, hasOp, type OpDef, type OpLookup, type Shape } from '../../../../core/index';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

function run<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

function unwrap<T>(o: Outcome<T>): T {
  if (o.ok) return o.value;
  throw o.error;
}

function shapesKey(shapes: readonly Shape[]): string {
  return shapes.map((s) => s.join('x')).join('|');
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

function memoOp(op: OpDef): OpDef {
  const parsed = new WeakMap<object, Outcome<unknown>>();
  const per = new WeakMap<object, Map<string, { shape?: Outcome<Shape>; params?: Outcome<ReturnType<OpDef['params']>>; flops?: Outcome<number> }>>();

  const slot = (attrs: unknown, shapes: readonly Shape[]) => {
    if (!isObject(attrs)) return undefined;
    let m = per.get(attrs);
    if (!m) per.set(attrs, (m = new Map()));
    const key = shapesKey(shapes);
    let s = m.get(key);
    if (!s) m.set(key, (s = {}));
    return s;
  };

  return {
    ...op,
    parseAttrs(raw) {
      let o = parsed.get(raw);
      if (!o) parsed.set(raw, (o = run(() => op.parseAttrs(raw))));
      return unwrap(o);
    },
    inferShape(shapes, attrs) {
      const s = slot(attrs, shapes);
      if (!s) return op.inferShape(shapes, attrs);
      s.shape ??= run(() => op.inferShape(shapes, attrs));
      return unwrap(s.shape);
    },
    params(shapes, attrs) {
      const s = slot(attrs, shapes);
      if (!s) return op.params(shapes, attrs);
      s.params ??= run(() => op.params(shapes, attrs));
      return unwrap(s.params);
    },
    flops(shapes, attrs) {
      const s = slot(attrs, shapes);
      if (!s) return op.flops(shapes, attrs);
      s.flops ??= run(() => op.flops(shapes, attrs));
      return unwrap(s.flops);
    },
  };
}

/** An OpLookup over the registry whose ops remember their results. */
export function memoLookup(): OpLookup {
  const wrapped = new Map<string, OpDef>();
  return (type) => {
    if (!hasOp(type)) return undefined;
    let w = wrapped.get(type);
    if (!w) wrapped.set(type, (w = memoOp(getOp(type))));
    return w;
  };
}
