/**
 * Pattern folding before import: the compositions core/onnx/export-composites.ts writes for units
 * without a single ONNX op are recognised and turned back into one ConvLab node, so an exported
 * graph re-imports as the graph it came from (and reads well in the editor): GraphConv and
 * NodeMeanPool (import-fold-graph.ts), NonLocal, BlurPool, MaxBlurPool, ChannelShuffle and GELU
 * below opset 20 (import-fold-blocks.ts). A pattern folds only when every constant has the exact value the
 * composition uses and no intermediate value is read outside the pattern (or is a graph output);
 * otherwise the nodes are left alone and import as general ops (or are reported as unsupported).
 */
import type { NodeProto, TensorProto } from './generated/onnx';
import { blurPoolFold, channelShuffleFold, geluFold, nonLocalFold } from './import-fold-blocks';
import { graphConvFold, nodeMeanPoolFold } from './import-fold-graph';
import { FoldView, type Fold } from './import-fold-view';

export type { Fold, FoldConverter } from './import-fold-view';

const matchers = [graphConvFold, nodeMeanPoolFold, nonLocalFold, blurPoolFold, channelShuffleFold, geluFold];

/**
 * The node list with every recognised composition replaced by its fused node, and the converter
 * for each fused node. Nodes are matched from their last node; a node belongs to one fold at most.
 */
export function foldComposites(
  nodes: readonly NodeProto[],
  uses: ReadonlyMap<string, number>,
  init: ReadonlyMap<string, TensorProto>,
): { nodes: NodeProto[]; fused: Map<NodeProto, Fold> } {
  const v = new FoldView(nodes, uses, init);
  const taken = new Set<NodeProto>();
  const replace = new Map<NodeProto, Fold>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (taken.has(n)) continue;
    for (const m of matchers) {
      const f = m(v, n);
      if (!f || f.covered.some((c) => taken.has(c))) continue;
      f.covered.forEach((c) => taken.add(c));
      replace.set(n, f);
      break;
    }
  }
  const fused = new Map<NodeProto, Fold>();
  const out: NodeProto[] = [];
  for (const n of nodes) {
    const f = replace.get(n);
    if (f) {
      out.push(f.fused);
      fused.set(f.fused, f);
    } else if (!taken.has(n)) out.push(n);
  }
  return { nodes: out, fused };
}
