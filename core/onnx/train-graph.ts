/**
 * The training-step compiler: a ConvLab graph + softmax cross-entropy + optimizer -> ONE ONNX graph
 * (standard ops, opset 17 by default) that runs a whole optimizer step:
 *
 *   inputs:  the batch (the Input node's name, dims [N, ...]), "train/labels" (int64 [N] or one-hot
 *            float [N, K]), every param "<node>.<param>", the optimizer slots "<node>.<param>:<slot>",
 *            Dropout masks "<node>:mask", "train/lr" and "train/step" (float scalars; step is the
 *            optimizer's t after this update, 1 for the first).
 *   outputs: "train/loss" (mean over the batch), the logits (the first graph output's name), every
 *            param and slot updated ("<...>:new", running stats included), and in debug mode the
 *            gradient of every trainable param ("train/grad/<node>.<param>").
 *
 * Forward nodes come from the inference exporters (params read from inputs instead of initializers)
 * except where training differs (train-graph-rules*.ts); backward rules mirror the core's ops.
 * A unit without a rule makes the compile fail with a TrainGraphError naming the nodes and ops, so
 * a trainer can fall back to the core backend and say why.
 */
import { INPUT_OP, inferShapes, type NodeInfo } from '../graph/shapes';
import { topoOrder } from '../graph/topo';
import type { ModelGraph } from '../graph/types';
import { initWeights } from '../graph/weights';
import { dropout } from '../ops/dropout';
import { Rng } from '../tensor/rng';
import { Tensor } from '../tensor/tensor';
import type { LossConfig } from '../train/loss-config';
import type { OptimizerConfig } from '../train/optimizers';
import { attrInt } from './export-context';
import { DEFAULT_OPSET, checkOpset, exporters, irVersionFor, PRODUCER_NAME, PRODUCER_VERSION } from './export';
import { ExportContext } from './export-context';
import { TensorProto_DataType, type ModelProto, type NodeProto, type ValueInfoProto } from './generated/onnx';
import { TrainBuilder } from './train-graph-builder';
import { OptimizerEmitter, slotsOf, type SlotName } from './train-graph-optim';
import { TrainArgs, type ForwardOut, type TrainRule } from './train-graph-rule-types';
import { basicRules } from './train-graph-rules';
import { convRules } from './train-graph-rules-conv';
import { moreRules } from './train-graph-rules-more';

export const trainRules: Readonly<Record<string, TrainRule>> = { ...basicRules, ...convRules, ...moreRules };

export const LABELS_INPUT = 'train/labels';
export const LR_INPUT = 'train/lr';
export const STEP_INPUT = 'train/step';
export const LOSS_OUTPUT = 'train/loss';

export type TrainGraphReason = 'invalid-graph' | 'unsupported-op' | 'unsupported-graph' | 'unsupported-loss';

/** Why a model cannot be compiled into a training-step graph. */
export class TrainGraphError extends Error {
  constructor(
    readonly reason: TrainGraphReason,
    message: string,
    readonly nodes: readonly string[] = [],
  ) {
    super(message);
    this.name = 'TrainGraphError';
  }
}

export interface TrainGraphOptions {
  optimizer: OptimizerConfig;
  loss?: LossConfig;
  /** int64 class indices (default) or one-hot float rows. */
  labels?: 'int64' | 'onehot';
  /** Also output every trainable param's gradient. */
  debugGradients?: boolean;
  opset?: number;
}

export interface TrainGraphParam {
  node: string;
  param: string;
  shape: number[];
  trainable: boolean;
  input: string;
  output: string;
  /** Debug-mode gradient output. */
  grad?: string;
  slots: { slot: SlotName; input: string; output: string }[];
}

export interface TrainGraphMask {
  node: string;
  input: string;
  rate: number;
  /** Values per sample (the mask is [N, ...sampleShape]). */
  sampleShape: number[];
}

export interface CompiledTrainGraph {
  model: ModelProto;
  opset: number;
  /** The batch input's name (the Input node's). */
  input: string;
  sampleShape: number[];
  classes: number;
  logits: string;
  labels: 'int64' | 'onehot';
  params: TrainGraphParam[];
  masks: TrainGraphMask[];
}

/** Ops the compiler has a backward rule for. */
export function trainableOps(): string[] {
  return Object.keys(trainRules).sort();
}

/** Checks support without building anything: null when the model compiles, else the reason. */
export function trainGraphSupport(graph: ModelGraph, options: TrainGraphOptions = { optimizer: { kind: 'sgd' } }): TrainGraphError | null {
  try {
    compileTrainGraph(graph, options);
    return null;
  } catch (e) {
    if (e instanceof TrainGraphError) return e;
    return new TrainGraphError('unsupported-graph', e instanceof Error ? e.message : String(e));
  }
}

function ancestorsOf(graph: ModelGraph, out: string): Set<string> {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const seen = new Set<string>();
  const stack = [out];
  while (stack.length > 0) {
    const name = stack.pop() ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    for (const i of byName.get(name)?.inputs ?? []) stack.push(i);
  }
  return seen;
}

function checkGraph(graph: ModelGraph, at1: Map<string, NodeInfo>, options: TrainGraphOptions): void {
  const loss = options.loss ?? { kind: 'softmax-cross-entropy' };
  if (loss.kind !== 'softmax-cross-entropy') throw new TrainGraphError('unsupported-loss', `training graph: loss "${String(loss.kind)}" has no rule`);
  const inputs = graph.nodes.filter((n) => n.op === INPUT_OP);
  if (inputs.length !== 1) throw new TrainGraphError('unsupported-graph', `training graph: the model has ${inputs.length} inputs; the compiler handles exactly one`);
  const out = graph.outputs[0];
  const shape = at1.get(out)?.outputShape ?? [];
  if (shape.length !== 2) throw new TrainGraphError('unsupported-graph', `training graph: the first output "${out}" is ${shape.join('x')}, softmax cross-entropy needs N x classes logits`);
  const used = ancestorsOf(graph, out);
  const unused = graph.nodes.filter((n) => !used.has(n.name)).map((n) => n.name);
  if (unused.length > 0) {
    throw new TrainGraphError('unsupported-graph', `training graph: node(s) ${unused.join(', ')} do not feed the first output "${out}"`, unused);
  }
  const missing = graph.nodes.filter((n) => n.op !== INPUT_OP && !trainRules[n.op]);
  if (missing.length > 0) {
    const ops = [...new Set(missing.map((n) => n.op))].sort();
    const list = missing.map((n) => `${n.op} "${n.name}"`).join(', ');
    throw new TrainGraphError('unsupported-op', `training graph: no ONNX backward rule for op(s) ${ops.join(', ')} (${list}); train this model on the core backend`, missing.map((n) => n.name));
  }
}

function ioInfo(name: string, dims: readonly (number | string)[], elem: number = TensorProto_DataType.FLOAT): ValueInfoProto {
  return { name, type: { tensorType: { elemType: elem, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

export function compileTrainGraph(graph: ModelGraph, options: TrainGraphOptions): CompiledTrainGraph {
  const opset = checkOpset(options.opset ?? DEFAULT_OPSET);
  if (opset < 16) throw new TrainGraphError('unsupported-graph', `training graph: opset ${opset} lacks ScatterElements reduction; use 16 or later`);
  const s1 = inferShapes(graph, { batch: 1 });
  if (s1.errors.length > 0) throw new TrainGraphError('invalid-graph', `training graph: the model does not validate: ${s1.errors.map((e) => e.message).join('; ')}`);
  const s2 = inferShapes(graph, { batch: 2 });
  checkGraph(graph, s1.info, options);
  const labels = options.labels ?? 'int64';
  const order = topoOrder(graph);
  const info = (name: string): NodeInfo => {
    const i = s1.info.get(name);
    if (!i) throw new TrainGraphError('invalid-graph', `training graph: node "${name}" has no shape`);
    return i;
  };
  // Only shapes matter here: the weights record gives each param's shape and the exporters' param checks pass.
  const shapesOnly = initWeights(graph, new Rng(0), { batch: 1 });
  const ctx = new ExportContext(opset);
  const b = new TrainBuilder(ctx);
  for (const n of order) ctx.claim(n.name);
  const inputNode = order.find((n) => n.op === INPUT_OP);
  if (!inputNode) throw new TrainGraphError('unsupported-graph', 'training graph: no Input node');
  const sampleShape = info(inputNode.name).outputShape.slice(1);
  const logits = graph.outputs[0];
  const classes = info(logits).outputShape[1];
  const gi: ValueInfoProto[] = [ioInfo(inputNode.name, ['N', ...sampleShape])];
  const go: ValueInfoProto[] = [];
  ctx.claim(LABELS_INPUT);
  gi.push(labels === 'int64' ? ioInfo(LABELS_INPUT, ['N'], TensorProto_DataType.INT64) : ioInfo(LABELS_INPUT, ['N', classes]));
  const lr = ctx.claim(LR_INPUT);
  const step = ctx.claim(STEP_INPUT);
  gi.push(ioInfo(lr, []), ioInfo(step, []));

  // Params, slots and masks as inputs.
  const slotNames = slotsOf(options.optimizer);
  const params: TrainGraphParam[] = [];
  const paramInputs = new Map<string, Record<string, string>>();
  const masks: TrainGraphMask[] = [];
  const maskOf = new Map<string, string>();
  for (const n of order) {
    if (n.op === INPUT_OP) continue;
    const rec: Record<string, string> = {};
    for (const spec of info(n.name).params) {
      const input = ctx.claim(`${n.name}.${spec.name}`);
      const output = ctx.claim(`${input}:new`);
      rec[spec.name] = input;
      gi.push(ioInfo(input, spec.shape));
      go.push(ioInfo(output, spec.shape));
      const slots = spec.trainable ? slotNames.map((slot) => ({ slot, input: ctx.claim(`${input}:${slot}`), output: ctx.claim(`${input}:${slot}:new`) })) : [];
      for (const s of slots) gi.push(ioInfo(s.input, spec.shape));
      params.push({ node: n.name, param: spec.name, shape: [...spec.shape], trainable: spec.trainable, input, output, slots });
    }
    paramInputs.set(n.name, rec);
    if (n.op === 'Dropout') {
      const rate = dropout.parseAttrs(n.attrs).rate;
      if (rate > 0) {
        const shape = info(n.name).outputShape.slice(1);
        const input = ctx.claim(`${n.name}:mask`);
        gi.push(ioInfo(input, ['N', ...shape]));
        masks.push({ node: n.name, input, rate, sampleShape: shape });
        maskOf.set(n.name, input);
      }
    }
  }

  // Which values need a gradient: anything downstream of a trainable param.
  const needsGrad = new Set<string>();
  for (const n of order) {
    if (n.op === INPUT_OP) continue;
    if (info(n.name).params.some((p) => p.trainable) || n.inputs.some((i) => needsGrad.has(i))) needsGrad.add(n.name);
  }

  // Forward.
  const argsOf = new Map<string, TrainArgs>();
  const fwd = new Map<string, ForwardOut>();
  for (const n of order) {
    if (n.op === INPUT_OP) continue;
    const i = info(n.name);
    const i2 = n.inputs.map((x) => s2.info.get(x)?.outputShape ?? []);
    const a = new TrainArgs(ctx, n, n.inputs, i.inputShapes, i2, i.outputShape, shapesOnly[n.name] ?? {}, n.name, paramInputs.get(n.name) ?? {}, maskOf.get(n.name));
    argsOf.set(n.name, a);
    const rule = trainRules[n.op];
    if (rule.forward) fwd.set(n.name, rule.forward(a, b));
    else {
      const exporter = exporters[n.op];
      if (!exporter) throw new TrainGraphError('unsupported-op', `training graph: ${n.op} "${n.name}" has no forward mapping`, [n.name]);
      exporter(a);
      fwd.set(n.name, {});
    }
  }

  // Softmax cross-entropy: loss = -mean_n sum_k q log softmax(x);  dx = (softmax(x) - q) / N.
  const smoothing = options.loss?.labelSmoothing ?? 0;
  let q = LABELS_INPUT;
  if (labels === 'int64') {
    const values = b.floatTensor('const/onehot_values', Tensor.from([2], [0, 1]));
    q = b.op('OneHot', [LABELS_INPUT, b.i64([classes], []), values], [attrInt('axis', -1)], 'loss/onehot');
  }
  if (smoothing > 0) q = b.add(b.mul(q, b.f32(1 - smoothing)), b.f32(smoothing / classes), 'loss/target');
  const logp = b.op('LogSoftmax', [logits], [attrInt('axis', 1)], 'loss/logp');
  const perSample = b.reduceSum(b.mul(q, logp), [1], false, 'loss/per_sample');
  const loss = ctx.claim(LOSS_OUTPUT);
  b.opTo(loss, 'Neg', [b.reduceMean(perSample, [0], false, 'loss/mean_ll')]);
  go.unshift(ioInfo(loss, []), ioInfo(logits, ['N', classes]));
  const dLogits = b.div(b.sub(b.op('Exp', [logp]), q), b.countOver(logits, [0], 'loss/n'), 'loss/dlogits');

  // Backward, in reverse topological order, summing fan-out contributions.
  const contributions = new Map<string, string[]>([[logits, [dLogits]]]);
  const grads = new Map<string, string>();
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k];
    const parts = contributions.get(n.name);
    if (n.op === INPUT_OP || !parts || !needsGrad.has(n.name)) continue;
    const a = argsOf.get(n.name);
    if (!a) continue;
    const dy = b.sum(parts, `${n.name}/dy`);
    const r = trainRules[n.op].backward({ a, b, dy, saved: fwd.get(n.name)?.saved ?? {}, needInput: n.inputs.map((x) => needsGrad.has(x)) });
    r.inputs.forEach((g, j) => {
      if (!g) return;
      const list = contributions.get(n.inputs[j]) ?? [];
      list.push(g);
      contributions.set(n.inputs[j], list);
    });
    for (const [p, g] of Object.entries(r.params)) grads.set(`${n.name}.${p}`, g);
  }

  // Optimizer and state outputs.
  const opt = new OptimizerEmitter(b, options.optimizer, lr, step);
  for (const p of params) {
    const g = grads.get(p.input);
    if (p.trainable && g) {
      const slots: Partial<Record<SlotName, string>> = {};
      for (const s of p.slots) slots[s.slot] = s.input;
      const u = opt.update({ w: p.input, g, slots });
      b.opTo(p.output, 'Identity', [u.w]);
      for (const s of p.slots) {
        const v = u.slots[s.slot];
        if (!v) throw new Error(`training graph: optimizer gave no "${s.slot}" for ${p.input}`);
        b.opTo(s.output, 'Identity', [v]);
        go.push(ioInfo(s.output, p.shape));
      }
      if (options.debugGradients) {
        p.grad = ctx.claim(`train/grad/${p.input}`);
        b.opTo(p.grad, 'Identity', [g]);
        go.push(ioInfo(p.grad, p.shape));
      }
    } else {
      const state = fwd.get(p.node)?.state?.[p.param];
      b.opTo(p.output, 'Identity', [state ?? p.input]);
      for (const s of p.slots) {
        b.opTo(s.output, 'Identity', [s.input]);
        go.push(ioInfo(s.output, p.shape));
      }
    }
  }

  elideIdentities(ctx.nodes, new Set([...gi.map((v) => v.name ?? ''), ...ctx.initializers.map((t) => t.name ?? '')]), new Set(go.map((v) => v.name ?? '')));
  const model: ModelProto = {
    irVersion: irVersionFor(opset),
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: `ConvLab training step for "${graph.name}": softmax cross-entropy, ${options.optimizer.kind}`,
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: `${graph.name}-train-step`, node: ctx.nodes, initializer: ctx.initializers, input: gi, output: go },
  };
  return { model, opset, input: inputNode.name, sampleShape, classes, logits, labels, params, masks };
}

/**
 * Removes Identity nodes that only give a computed value its output name (updated params, slots,
 * running stats, debug gradients): the value is renamed to the output everywhere instead. ORT keeps
 * an Identity that writes a graph output and copies the tensor on every run.
 */
function elideIdentities(nodes: NodeProto[], sources: ReadonlySet<string>, outputs: ReadonlySet<string>): void {
  const rename = new Map<string, string>();
  const drop = new Set<NodeProto>();
  for (const n of nodes) {
    if (n.opType !== 'Identity' || n.input?.length !== 1 || n.output?.length !== 1) continue;
    const from = n.input[0];
    const to = n.output[0];
    // Graph inputs/initializers cannot be renamed; a value already renamed or itself an output keeps its Identity.
    if (sources.has(from) || outputs.has(from) || rename.has(from)) continue;
    rename.set(from, to);
    drop.add(n);
  }
  if (rename.size === 0) return;
  const kept = nodes.filter((n) => !drop.has(n));
  for (const n of kept) {
    n.input = n.input?.map((v) => rename.get(v) ?? v);
    n.output = n.output?.map((v) => rename.get(v) ?? v);
  }
  nodes.length = 0;
  nodes.push(...kept);
}

/**
 * The Dropout masks the core draws for one forward pass seeded `seed` (see core/ops/dropout.ts:
 * one rng.next() per element, nodes in topological order, kept = 1/(1 - rate)), for a batch of n.
 */
export function dropoutMasks(compiled: CompiledTrainGraph, n: number, seed: number): Record<string, Float32Array> {
  const rng = new Rng(seed);
  const out: Record<string, Float32Array> = {};
  for (const m of compiled.masks) {
    const size = n * m.sampleShape.reduce((s, d) => s * d, 1);
    const keep = 1 / (1 - m.rate);
    const mask = new Float32Array(size);
    for (let i = 0; i < size; i++) mask[i] = rng.next() >= m.rate ? keep : 0;
    out[m.input] = mask;
  }
  return out;
}
