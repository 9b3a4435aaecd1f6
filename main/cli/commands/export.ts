/**
 * `convlab export <template|model.json|run dir> -o model.onnx [--opset N]`: ONNX export with the
 * parity check against ONNX Runtime; the file is written (atomically) only when parity holds.
 */
import { GraphError, MAX_OPSET, MIN_OPSET, OnnxError, TemplateError } from '../../../core/index';
import { exportWithParity } from '../../onnx/export-service';
import { loadModel, writeAtomic } from '../../onnx/files';
import { ParityError, parityLine } from '../../onnx/parity';
import { optList, optNumber, optString, UsageError, type Command } from '../command';
import { parseSetting } from './info';

function posInt(v: number | undefined, name: string, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${n}`);
  return n;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a template, model file or run directory to ONNX, checked against ONNX Runtime.',
  details:
    `Opsets ${MIN_OPSET} to ${MAX_OPSET} (default 17). Untrained graphs get seeded init weights (--seed). ` +
    'The export runs in ONNX Runtime and in the core on a seeded sample batch; a mismatch above tolerance is an error (exit 1, no file written).',
  positionals: [{ name: 'model', description: 'a template name, a model .json file, or a run directory' }],
  options: [
    { name: 'output', short: 'o', type: 'string', description: 'the .onnx file to write (default <model name>.onnx)', placeholder: 'FILE' },
    { name: 'opset', type: 'int', description: `ai.onnx opset, ${MIN_OPSET}..${MAX_OPSET} (default 17)`, placeholder: 'N' },
    { name: 'seed', type: 'int', description: 'seed for init weights of an untrained graph and the parity batch (default 1)', placeholder: 'N' },
    { name: 'batch', type: 'int', description: 'parity-check batch size (default 2)', placeholder: 'N' },
    { name: 'set', type: 'string', repeatable: true, description: 'template option, e.g. --set classes=4', placeholder: 'KEY=VALUE' },
  ],
  async run(args, io) {
    const target = args.positionals[0];
    if (!target) throw new UsageError('which model? give a template name, a .json file or a run directory');
    const seed = posInt(optNumber(args, 'seed'), 'seed', 1);
    const batch = posInt(optNumber(args, 'batch'), 'batch', 2);
    const opset = optNumber(args, 'opset');
    let loaded;
    try {
      loaded = loadModel(target, Object.fromEntries(optList(args, 'set').map(parseSetting)));
    } catch (e) {
      if (e instanceof TemplateError || e instanceof GraphError || e instanceof Error) throw new UsageError(e.message);
      throw e;
    }
    const out = optString(args, 'output') ?? `${loaded.graph.name}.onnx`;
    try {
      const res = await exportWithParity({ graph: loaded.graph, weights: loaded.weights, opset, seed, parity: { batch, seed } });
      writeAtomic(out, res.bytes);
      const weights = res.initialised ? `seeded init weights (seed ${seed})` : 'trained weights';
      io.out(`wrote ${out}: ${res.bytes.length} bytes, opset ${res.opset}, ${res.nodes} nodes, ${res.initializers} initializers, ${weights}`);
      for (const i of res.inputs) io.out(`  input  ${i.name} [${i.dims.join(', ')}]`);
      for (const o of res.outputs) io.out(`  output ${o.name} [${o.dims.join(', ')}]`);
      io.out(parityLine(res.parity));
      return 0;
    } catch (e) {
      if (e instanceof ParityError) {
        io.err(`convlab export: ${e.message}`);
        if (e.result.outputs.length > 0) io.err(parityLine(e.result));
        io.err('no file written');
        return 1;
      }
      if (e instanceof OnnxError || e instanceof GraphError) {
        io.err(`convlab export: ${e.message}`);
        return 1;
      }
      throw e;
    }
  },
};
