/**
 * Weights and gradient buffers in SharedArrayBuffers, so the training workers read the weights
 * the optimizer just updated and write their gradients without copying. One layout (node, param,
 * shape, offset) describes every buffer; a Weights record is a set of Tensor views onto it.
 */
import { Tensor, sizeOf, type Weights } from '../../core/index';

export interface SlotLayout {
  node: string;
  param: string;
  shape: number[];
  offset: number;
}

export interface Layout {
  slots: SlotLayout[];
  /** Total float32 values. */
  size: number;
}

export function layoutOf(weights: Weights): Layout {
  const slots: SlotLayout[] = [];
  let offset = 0;
  for (const node of Object.keys(weights).sort()) {
    for (const param of Object.keys(weights[node]).sort()) {
      const t = weights[node][param];
      slots.push({ node, param, shape: [...t.shape], offset });
      offset += t.size;
    }
  }
  return { slots, size: offset };
}

/** Tensor views of a flat buffer following the layout. */
export function viewsOf(layout: Layout, data: Float32Array): Weights {
  const out: Weights = {};
  for (const s of layout.slots) {
    (out[s.node] ??= {})[s.param] = new Tensor(s.shape, data.subarray(s.offset, s.offset + sizeOf(s.shape)));
  }
  return out;
}

/** Copy the weights into a new shared buffer; returns the buffer and views onto it. */
export function shareWeights(weights: Weights): { layout: Layout; buffer: SharedArrayBuffer; weights: Weights } {
  const layout = layoutOf(weights);
  const buffer = new SharedArrayBuffer(layout.size * 4);
  const views = viewsOf(layout, new Float32Array(buffer));
  for (const s of layout.slots) views[s.node][s.param].data.set(weights[s.node][s.param].data);
  return { layout, buffer, weights: views };
}

export function slotKey(node: string, param: string): string {
  return `${node}/${param}`;
}
