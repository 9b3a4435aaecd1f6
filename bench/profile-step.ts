/**
 * Where a training step's time goes: runs `steps` SGD steps of a template at a batch size on one
 * thread and reports per-node forward/backward milliseconds (through a timing OpResolver, so no
 * op is changed), plus loss, optimizer and the whole step. Times are this process's CPU time
 * (the shared machine is often busy, so wall time would count other people's work).
 *
 *   npx rolldown bench/profile-step.ts -o /tmp/prof.mjs -p node && node /tmp/prof.mjs lenet5 64 30
 */
import {
  Rng,
  Tensor,
  buildTemplate,
  compileGraph,
  createOptimizer,
  getOp,
  initWeights,
  lossFromConfig,
  outputOf,
  runBackward,
  runForward,
  singleFeed,
  type OpDef,
} from '../core/index';
import { syntheticBatch } from './measure';
import type { ModelName } from './types';

/** Milliseconds of CPU time used by this process (all its threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Cost {
  fwd: number;
  bwd: number;
}

function timed(op: OpDef, costs: Map<string, Cost>): OpDef {
  const cost = (key: string): Cost => {
    let c = costs.get(key);
    if (!c) costs.set(key, (c = { fwd: 0, bwd: 0 }));
    return c;
  };
  return {
    ...op,
    parseAttrs: (raw) => op.parseAttrs(raw),
    params: (s, a) => op.params(s, a),
    inferShape: (s, a) => op.inferShape(s, a),
    flops: (s, a) => op.flops(s, a),
    forward(inputs, params, attrs, ctx) {
      const t0 = cpuMs();
      const r = op.forward(inputs, params, attrs, ctx);
      cost(`${op.type} ${inputs[0]?.shape.join('x') ?? ''}`).fwd += cpuMs() - t0;
      return r;
    },
    backward(dy, saved, inputs, params, attrs) {
      const t0 = cpuMs();
      const r = op.backward(dy, saved, inputs, params, attrs);
      cost(`${op.type} ${inputs[0]?.shape.join('x') ?? ''}`).bwd += cpuMs() - t0;
      return r;
    },
  };
}

export function profileStep(model: ModelName, batch: number, steps: number): string {
  const costs = new Map<string, Cost>();
  const graph = buildTemplate(model);
  const cg = compileGraph(graph, (type) => timed(getOp(type), costs));
  const weights = initWeights(graph, new Rng(1), { batch: 1 });
  const data = syntheticBatch(model, batch);
  const x = new Tensor(data.shape, data.x);
  const loss = lossFromConfig({ kind: 'softmax-cross-entropy' });
  const opt = createOptimizer({ kind: 'sgd', momentum: 0.9 });
  const extra = { loss: 0, opt: 0, step: 0 };
  const warm = Math.max(2, Math.floor(steps / 5));
  for (let s = 0; s < warm + steps; s++) {
    if (s === warm) {
      costs.clear();
      extra.loss = extra.opt = extra.step = 0;
    }
    const t0 = cpuMs();
    const tape = runForward(cg, weights, singleFeed(cg, x), { training: true, rng: new Rng(s) });
    const t1 = cpuMs();
    const l = loss(outputOf(cg, tape), data.labels);
    const t2 = cpuMs();
    const grads = runBackward(cg, tape, weights, [l.grad]);
    const t3 = cpuMs();
    opt.step(weights, grads, 0.01);
    const t4 = cpuMs();
    extra.loss += t2 - t1;
    extra.opt += t4 - t3;
    extra.step += t4 - t0;
  }
  const per = (v: number) => (v / steps).toFixed(2).padStart(8);
  const lines = [`${model} batch ${batch}, ${steps} steps: ${per(extra.step)} ms/step = ${((batch * steps * 1000) / extra.step).toFixed(1)} images/s`];
  let opSum = 0;
  for (const [k, c] of costs) {
    opSum += c.fwd + c.bwd;
    lines.push(`  ${k.padEnd(28)} fwd ${per(c.fwd)}  bwd ${per(c.bwd)}`);
  }
  lines.push(`  ${'loss'.padEnd(28)} ${per(extra.loss)}`);
  lines.push(`  ${'optimizer'.padEnd(28)} ${per(extra.opt)}`);
  lines.push(`  ${'other (autograd, alloc)'.padEnd(28)} ${per(extra.step - opSum - extra.loss - extra.opt)}`);
  return lines.join('\n');
}

const argv = process.argv.slice(2);
if (argv.length > 0) {
  const model = argv[0] as ModelName;
  console.log(profileStep(model, Number(argv[1] ?? 64), Number(argv[2] ?? 20)));
}
