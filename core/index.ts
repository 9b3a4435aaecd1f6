/**
 * The public surface of the core. Code outside core/ imports from here only.
 * Each section is kept by the part of the core it exports; add lines, do not reorder.
 */
// tensor
export { Tensor, sizeOf, shapeToString, sameShape, stridesOf, type Shape } from './tensor/tensor';
export { Rng } from './tensor/rng';
// ops
export { OpError, defineOp, type OpDef, type ParamSpec, type RawAttrs, type AttrValue, type ForwardContext } from './ops/types';
export { listOps, getOp, hasOp } from './ops/registry';
// graph
export { GraphError, GRAPH_FORMAT, GRAPH_VERSION, type GraphNode, type ModelGraph, type Weights } from './graph/types';
export { topoOrder, topoSort, type TopoResult } from './graph/topo';
export { inferShapes, assertShapes, INPUT_OP, registryLookup, type NodeInfo, type ShapeResult, type ShapeOptions, type OpLookup } from './graph/shapes';
export { initWeights, initParam, fillInit, countSpecs, countGraphParams, countWeights, checkWeights, type ParamCount } from './graph/weights';
// layers / templates
// train
// data
// onnx
// compress / probes / automl
