/** Small one-op graphs covering every core op (and its main attribute variants) for the export tests. */
import { GRAPH_FORMAT, GRAPH_VERSION, type AttrValue, type GraphNode, type ModelGraph } from '../../../core/index';

export interface OpCase {
  name: string;
  op: string;
  graph: ModelGraph;
}

type Attrs = Record<string, AttrValue>;

function input(name: string, shape: number[], batch?: number): GraphNode {
  return { name, op: 'Input', inputs: [], attrs: batch === undefined ? { shape } : { shape, batch } };
}

/** Input x of `shape` -> op -> output. */
function one(name: string, op: string, shape: number[], attrs: Attrs = {}): OpCase {
  const nodes: GraphNode[] = [input('x', shape), { name: 'y', op, inputs: ['x'], attrs }];
  return { name, op, graph: { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes, outputs: ['y'] } };
}

function graph(name: string, op: string, nodes: GraphNode[], outputs = ['y']): OpCase {
  return { name, op, graph: { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes, outputs } };
}

const img = [3, 9, 9];

export function opCases(): OpCase[] {
  return [
    one('conv1d', 'Conv1D', [3, 12], { filters: 4, kernel: 3, stride: 2, pads: [1, 0] }),
    one('conv2d', 'Conv2D', img, { filters: 4, kernel: 3 }),
    one('conv2d-same-stride', 'Conv2D', img, { filters: 6, kernel: [3, 2], stride: 2, autoPad: 'same' }),
    one('conv2d-ceil-dilated-groups', 'Conv2D', [4, 10, 9], { filters: 6, kernel: 3, stride: 2, dilation: 2, groups: 2, ceil: true, pads: [1, 0, 0, 1], bias: false }),
    one('conv3d', 'Conv3D', [2, 5, 6, 6], { filters: 3, kernel: [2, 3, 3], pads: [0, 1, 1, 1, 1, 1] }),
    one('conv-transpose', 'ConvTranspose2D', [4, 5, 5], { filters: 6, kernel: 3, stride: 2, pads: [1, 1, 0, 0], outputPadding: 1, groups: 2 }),
    one('maxpool1d', 'MaxPool1D', [3, 11], { kernel: 3, stride: 2 }),
    one('maxpool2d', 'MaxPool2D', img, { kernel: 2 }),
    one('maxpool2d-ceil-pads-dilation', 'MaxPool2D', img, { kernel: 3, stride: 2, pads: [1, 1, 1, 1], dilation: [1, 2], ceil: true }),
    one('maxpool3d', 'MaxPool3D', [2, 5, 6, 6], { kernel: 2 }),
    one('avgpool1d', 'AvgPool1D', [3, 11], { kernel: 3, stride: 2, pads: [1, 1] }),
    one('avgpool2d-ceil', 'AvgPool2D', img, { kernel: 2, ceil: true }),
    one('avgpool2d-include-pad', 'AvgPool2D', img, { kernel: 3, stride: 2, pads: [1, 1, 1, 1], countIncludePad: true }),
    one('avgpool3d', 'AvgPool3D', [2, 5, 6, 6], { kernel: [1, 2, 2] }),
    one('global-avg-pool', 'GlobalAvgPool', img),
    one('blurpool', 'BlurPool', [3, 9, 10]),
    one('blurpool-f4-s1x2', 'BlurPool', [3, 8, 9], { filterSize: 4, stride: [1, 2] }),
    one('blurpool-f2', 'BlurPool', [2, 7, 7], { filterSize: 2 }),
    one('blurpool-f5', 'BlurPool', [2, 8, 8], { filterSize: 5, stride: 3 }),
    one('maxblurpool', 'MaxBlurPool', [3, 10, 10]),
    one('maxblurpool-k3-f5', 'MaxBlurPool', [2, 11, 11], { kernel: 3, filterSize: 5 }),
    one('relu', 'ReLU', img),
    one('leaky-relu', 'LeakyReLU', img, { alpha: 0.2 }),
    one('sigmoid', 'Sigmoid', img),
    one('tanh', 'Tanh', img),
    one('gelu', 'GELU', img),
    one('softmax', 'Softmax', [10]),
    one('softmax-axis1', 'Softmax', img, { axis: 1 }),
    one('identity', 'Identity', img),
    one('batchnorm-2d', 'BatchNorm', img, { epsilon: 1e-3 }),
    one('batchnorm-1d', 'BatchNorm', [6]),
    one('dropout', 'Dropout', img, { rate: 0.3 }),
    one('dense', 'Dense', [12], { units: 5 }),
    one('dense-nobias', 'Dense', [12], { units: 5, bias: false }),
    one('flatten', 'Flatten', img),
    one('flatten-axis2', 'Flatten', img, { axis: 2 }),
    graph('concat', 'Concat', [input('a', [2, 4, 4]), input('b', [3, 4, 4]), { name: 'y', op: 'Concat', inputs: ['a', 'b'], attrs: {} }]),
    graph('concat-axis-2', 'Concat', [input('a', [2, 3, 4]), input('b', [2, 5, 4]), { name: 'y', op: 'Concat', inputs: ['a', 'b', 'a'], attrs: { axis: -2 } }]),
    graph('add', 'Add', [input('a', img), input('b', img), { name: 'y', op: 'Add', inputs: ['a', 'b'], attrs: {} }]),
    graph('add3-broadcast', 'Add', [
      input('a', img),
      { name: 'c', op: 'Const', inputs: [], attrs: { shape: [3, 1, 1] } },
      { name: 'y', op: 'Add', inputs: ['a', 'c', 'a'], attrs: {} },
    ]),
    graph('mul', 'Mul', [input('a', img), { name: 'g', op: 'Sigmoid', inputs: ['a'], attrs: {} }, { name: 'y', op: 'Mul', inputs: ['a', 'g'], attrs: {} }]),
    one('reshape', 'Reshape', [4, 6, 6], { shape: [4, -1] }),
    one('reshape-copy', 'Reshape', [4, 6, 6], { shape: [0, 3, 12] }),
    one('channel-shuffle', 'ChannelShuffle', [6, 3, 3], { groups: 3 }),
    one('channel-shuffle-1d', 'ChannelShuffle', [8, 5], { groups: 2 }),
    one('lrn', 'LRN', [7, 4, 4], { size: 3, alpha: 0.01, beta: 0.75, bias: 2 }),
    one('lrn-even', 'LRN', [6, 3, 3], { size: 4 }),
    graph('graph-conv', 'GraphConv', [
      input('h', [5], 9),
      input('adj', [9], 9),
      { name: 'y', op: 'GraphConv', inputs: ['h', 'adj'], attrs: { units: 4 } },
    ]),
    graph('graph-conv-nobias-readout', 'NodeMeanPool', [
      input('h', [5], 7),
      input('adj', [7], 7),
      { name: 'gc', op: 'GraphConv', inputs: ['h', 'adj'], attrs: { units: 3, bias: false } },
      { name: 'y', op: 'NodeMeanPool', inputs: ['gc'], attrs: {} },
    ]),
    graph('node-mean-pool', 'NodeMeanPool', [input('h', [6], 5), { name: 'y', op: 'NodeMeanPool', inputs: ['h'], attrs: {} }]),
    one('nonlocal-embedded', 'NonLocal', [4, 3, 5]),
    one('nonlocal-gaussian', 'NonLocal', [4, 4, 3], { mode: 'gaussian', inner: 3 }),
    one('nonlocal-dot-plain', 'NonLocal', [4, 3, 3], { mode: 'dot', residual: false }),
    one('nonlocal-3d', 'NonLocal', [4, 2, 3, 3], { inner: 2 }),
    one('prelu', 'PReLU', img),
    one('prelu-channel', 'PReLU', img, { slopeShape: [3, 1, 1] }),
    one('elu', 'ELU', img, { alpha: 0.7 }),
    one('selu', 'SELU', img),
    one('softplus', 'Softplus', img),
    one('softsign', 'Softsign', img),
    one('log-softmax', 'LogSoftmax', [10]),
    one('neg', 'Neg', img),
    one('exp', 'Exp', img),
    one('abs', 'Abs', img),
    graph('sub', 'Sub', [input('a', img), input('b', img), { name: 'y', op: 'Sub', inputs: ['a', 'b'], attrs: {} }]),
    graph('sub-const', 'Sub', [input('a', img), { name: 'c', op: 'Const', inputs: [], attrs: { shape: [9] } }, { name: 'y', op: 'Sub', inputs: ['c', 'a'], attrs: {} }]),
    one('lrn-even-2d', 'LRN', [6], { size: 2, alpha: 0.5, beta: 0.6, bias: 1.5 }),
    graph('div', 'Div', [
      input('a', img),
      { name: 'c', op: 'Const', inputs: [], attrs: { shape: [1, 9] } },
      { name: 'e', op: 'Exp', inputs: ['c'], attrs: {} },
      { name: 'y', op: 'Div', inputs: ['a', 'e'], attrs: {} },
    ]),
    one('pad-constant', 'Pad', img, { pads: [0, 1, 2, 0, 0, 0, 1, 3], value: 0.5 }),
    one('pad-reflect', 'Pad', img, { pads: [0, 0, 2, 1, 0, 0, 1, 2], mode: 'reflect' }),
    one('pad-edge-crop', 'Pad', img, { pads: [0, 0, -1, 2, 0, 0, 2, -2], mode: 'edge' }),
    one('transpose', 'Transpose', [2, 3, 4], { perm: [0, 2, 3, 1] }),
    one('transpose-default', 'Transpose', [2, 3, 4]),
    one('slice', 'Slice', img, { axis: 2, start: 2, end: -1 }),
    one('slice-clamped', 'Slice', img, { axis: 1, start: -2, end: 100 }),
    graph('matmul', 'MatMul', [input('a', [3, 4]), input('b', [4, 5]), { name: 'y', op: 'MatMul', inputs: ['a', 'b'], attrs: {} }]),
    graph('matmul-const-broadcast', 'MatMul', [input('a', [2, 3, 4]), { name: 'w', op: 'Const', inputs: [], attrs: { shape: [4, 5] } }, { name: 'y', op: 'MatMul', inputs: ['a', 'w'], attrs: {} }]),
    one('strided-slice', 'StridedSlice', img, { axis: 3, start: 1, end: 100, step: 3 }),
    one('strided-slice-reverse', 'StridedSlice', img, { axis: 2, start: -1, end: -10, step: -2 }),
    one('embedding', 'Embedding', [2, 3], { vocab: 10, dim: 4 }),
    graph('const', 'Const', [input('a', [4]), { name: 'c', op: 'Const', inputs: [], attrs: { shape: [4] } }, { name: 'y', op: 'Mul', inputs: ['a', 'c'], attrs: {} }]),
  ];
}
