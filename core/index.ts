/**
 * The public surface of the core. Code outside core/ imports from here only.
 * Each section is kept by the part of the core it exports; add lines, do not reorder.
 */
// tensor
export { Tensor, sizeOf, shapeToString, sameShape, stridesOf, type Shape } from './tensor/tensor';
export { Rng } from './tensor/rng';
export { gemm } from './tensor/gemm';
// ops
export { OpError, defineOp, type OpDef, type ParamSpec, type RawAttrs, type AttrValue, type ForwardContext } from './ops/types';
export { listOps, getOp, hasOp } from './ops/registry';
// graph
export { GraphError, GRAPH_FORMAT, GRAPH_VERSION, type GraphNode, type ModelGraph, type Weights } from './graph/types';
export { topoOrder, topoSort, type TopoResult } from './graph/topo';
export { inferShapes, assertShapes, INPUT_OP, registryLookup, type NodeInfo, type ShapeResult, type ShapeOptions, type OpLookup } from './graph/shapes';
export { initWeights, initParam, fillInit, countSpecs, countGraphParams, countWeights, checkWeights, type ParamCount } from './graph/weights';
export { analyzeGraph, assertValid, errorsByNode, type GraphAnalysis, type NodeAnalysis, type ReceptiveField, type ReceptiveAxis, type MemoryEstimate, type AnalyzeOptions } from './graph/analyze';
export { graphToJson, parseGraphJson, weightsToJson, migrate, GRAPH_MIGRATIONS, type ModelFile, type Migration, type ParseOptions, type TensorJson, type WeightsJson } from './graph/json';
export { summarizeGraph, rfText, withCommas, humanCount, humanBytes, type GraphSummary, type SummaryRow } from './graph/summary';
export { GraphBuilder, type ConvAttrs, type PoolAttrs, type BuilderAttrs } from './graph/builder';
// layers / templates
export { listTemplates, buildTemplate, hasTemplate } from './layers/templates';
export { TemplateError, type TemplateInfo, type TemplateOption, type TemplateOptions, type OptionValue } from './layers/template';
// train
export { compileGraph, runForward, runBackward, applyState, outputOf, singleFeed, type CompiledGraph, type Tape, type Gradients, type OpResolver } from './train/autograd';
export { createOptimizer, type Optimizer, type OptimizerConfig, type OptimizerKind, type OptimizerState } from './train/optimizers';
export { learningRate, checkSchedule, type ScheduleConfig } from './train/schedules';
export { argmax, accuracy, topKAccuracy, topKCorrect, confusionMatrix, addConfusion } from './train/metrics';
export { computeGradients, combineResults, applyStateUpdate, firstNonFinite, evaluate, passSeed, type LossFn, type LossResult, type GradientResult, type GradientOptions, type StateUpdate, type EvalResult } from './train/gradients';
export { encodeCheckpoint, decodeCheckpoint, cloneWeights, copyWeightsInto, CHECKPOINT_VERSION, type Checkpoint, type EpochMetrics, type EpochProgress } from './train/checkpoint';
export { lossFromConfig, type LossConfig } from './train/loss-config';
export { softmaxCrossEntropy, crossEntropyLoss, binaryCrossEntropyWithLogits, meanSquaredError, dotProductScores, linkPredictionLoss, edgesOf, sampleNegativePairs, type NodePair } from './train/losses';
export { Trainer, AUGMENT_STREAM, type TrainConfig, type TrainData, type TrainEvent, type TrainerEnv, type TrainResult, type GradientEngine } from './train/trainer';
// data
export { createDataset, subset, splitDataset, gatherBatch, shuffledOrder, batchCount, classCounts, channelStats, normalize, standardizeSplit, type ChannelStats, type Dataset, type DatasetInit, type Split, type SplitSizes, type Batch } from './data/dataset';
export { augmentBatch, type AugmentConfig } from './data/augment';
export { movingShapes, voxelShapes, DIRECTIONS, VOXEL_CLASSES, type ClipOptions, type VoxelOptions } from './data/synthetic';
export { karateClub, plantedPartition, adjacencyOf, type GraphDataset, type PlantedPartitionOptions } from './data/graphs';
// onnx
export { OnnxError } from './onnx/errors';
export { decodeModel, encodeModel, decodeTensorFile, encodeTensorFile, AttributeType, DataType } from './onnx/codec';
export type { ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto, OperatorSetIdProto, StringStringEntryProto, TypeProto } from './onnx/codec';
export { tensorFromProto, tensorToProto, intsFromProto, int64Proto, MAX_TENSOR_ELEMENTS } from './onnx/tensor-proto';
export { exportOnnx, exportableOps, irVersionFor, checkOpset, DEFAULT_OPSET, MIN_OPSET, MAX_OPSET, type ExportOptions, type ExportedModel, type OnnxIo } from './onnx/export';
export { importOnnx, supportedOnnxOps, type ImportedModel } from './onnx/import';
// compress / probes / automl
