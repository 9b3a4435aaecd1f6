/**
 * What a training rule of the step-graph compiler sees. A rule may replace the inference
 * exporter's forward (BatchNorm in training mode, Dropout with a fed mask, MaxPool with its
 * Indices) and always gives the backward: input and parameter gradients as ONNX values.
 */
import type { GraphNode } from '../graph/types';
import type { Shape, Tensor } from '../tensor/tensor';
import { ExportArgs, type ExportContext } from './export-context';
import type { TrainBuilder } from './train-graph-builder';

/** ExportArgs whose params are graph inputs instead of initializers, so the exporters' forward can be reused. */
export class TrainArgs extends ExportArgs {
  constructor(
    ctx: ExportContext,
    node: GraphNode,
    inputs: readonly string[],
    inputShapes: readonly Shape[],
    /** Input shapes at batch 2 (tells a broadcast batch dimension from a real one). */
    readonly inputShapes2: readonly Shape[],
    outputShape: Shape,
    params: Readonly<Record<string, Tensor>>,
    out: string,
    /** ONNX graph-input name of each param of the node. */
    readonly paramInputs: Readonly<Record<string, string>>,
    /** Dropout's fed mask input, when the node has one. */
    readonly mask: string | undefined,
  ) {
    super(ctx, node, inputs, inputShapes, outputShape, params, out, `${node.op} "${node.name}" (training step)`);
  }

  override paramInit(name: string): string {
    const input = this.paramInputs[name];
    if (!input) this.refuse(`missing param "${name}"`);
    return input;
  }
}

export interface ForwardOut {
  /** Extra forward values the backward needs (MaxPool indices, BatchNorm xhat...). */
  saved?: Record<string, string>;
  /** New values of non-trainable params (BatchNorm running stats), by param name. */
  state?: Record<string, string>;
}

export interface BackwardArgs {
  a: TrainArgs;
  b: TrainBuilder;
  saved: Readonly<Record<string, string>>;
  /** The gradient of the loss with respect to the node's output. */
  dy: string;
  /** Which inputs need a gradient (false for the batch input and anything with no trainable param upstream). */
  needInput: readonly boolean[];
}

export interface BackwardOut {
  inputs: (string | null)[];
  /** Gradient per trainable param name. */
  params: Record<string, string>;
}

export interface TrainRule {
  forward?(a: TrainArgs, b: TrainBuilder): ForwardOut;
  backward(r: BackwardArgs): BackwardOut;
}
