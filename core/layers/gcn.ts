/**
 * A 2-layer GCN node classifier (Kipf & Welling 2017): GraphConv(hidden) + ReLU + Dropout,
 * GraphConv(classes). Two inputs whose first dim is the node count (not a batch): `features`
 * (nodes x F) and `adjacency` (nodes x nodes). Defaults fit Zachary's karate club (34 nodes,
 * one-hot features, 4 communities).
 */
import { GraphBuilder } from '../graph/builder';
import type { Template } from './template';

export const gcn: Template = {
  name: 'gcn',
  title: '2-layer GCN',
  description: 'Graph convolution node classifier: h1 = ReLU(GraphConv(X, A)), logits = GraphConv(h1, A).',
  input: [34],
  inputName: 'features',
  extraInputs: [{ name: 'adjacency', shape: [34] }],
  options: [
    { name: 'nodes', default: 34, min: 1, doc: 'number of graph nodes' },
    { name: 'features', default: 34, min: 1, doc: 'input features per node' },
    { name: 'hidden', default: 16, min: 1, doc: 'hidden units' },
    { name: 'classes', default: 4, min: 1, doc: 'node classes' },
    { name: 'dropout', default: 50, min: 0, doc: 'dropout between the layers, in percent' },
  ],
  build(o) {
    const n = o.num('nodes');
    const b = new GraphBuilder('gcn');
    const x = b.input([o.num('features')], 'features', n);
    const a = b.input([n], 'adjacency', n);
    let h = b.relu('gc1_relu', b.graphConv('gc1', x, a, o.num('hidden')));
    if (o.num('dropout') > 0) h = b.dropout('dropout', h, Math.min(o.num('dropout'), 99) / 100);
    return b.build(b.graphConv('gc2', h, a, o.num('classes')));
  },
};
