/**
 * `convlab info <template|model.json>`: the Keras-like summary table of a template or a model file
 * (per node output shape, params, FLOPs, receptive field; totals and a training-memory estimate).
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  buildTemplate,
  GraphError,
  hasTemplate,
  listTemplates,
  parseGraphJson,
  summarizeGraph,
  TemplateError,
  type ModelGraph,
  type OptionValue,
} from '../../../core/index';
import { optBool, optList, optNumber, UsageError, type Command } from '../command';

/** `--set key=value`: true/false become booleans, integers numbers, anything else a string. */
export function parseSetting(text: string): [string, OptionValue] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects key=value, got "${text}"`);
  const key = text.slice(0, eq);
  const raw = text.slice(eq + 1);
  if (raw === 'true' || raw === 'false') return [key, raw === 'true'];
  if (/^-?\d+$/.test(raw)) return [key, Number(raw)];
  return [key, raw];
}

/** A template name or a model file path -> the graph. */
export function loadGraph(target: string, settings: readonly string[]): ModelGraph {
  if (hasTemplate(target)) {
    try {
      return buildTemplate(target, Object.fromEntries(settings.map(parseSetting)));
    } catch (e) {
      if (e instanceof TemplateError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (settings.length > 0) throw new UsageError('--set applies to templates only');
  if (!existsSync(target)) {
    const names = listTemplates()
      .map((t) => t.name)
      .join(', ');
    throw new UsageError(`"${target}" is neither a template (${names}) nor a file`);
  }
  try {
    return parseGraphJson(readFileSync(target, 'utf8')).graph;
  } catch (e) {
    if (e instanceof GraphError) throw new UsageError(`${target}: ${e.message}`);
    throw e;
  }
}

export const infoCommand: Command = {
  name: 'info',
  summary: 'Print the summary table of a template or model file (shapes, params, FLOPs, receptive field).',
  details: 'Templates: ' + listTemplates().map((t) => t.name).join(', ') + '. Exits 1 if the graph is invalid (the errors are listed).',
  positionals: [{ name: 'model', description: 'a template name or a model .json file' }],
  options: [
    { name: 'batch', type: 'int', description: 'batch size for FLOPs and memory (default 1)', placeholder: 'N' },
    { name: 'set', type: 'string', repeatable: true, description: 'template option, e.g. --set activation=tanh', placeholder: 'KEY=VALUE' },
    { name: 'json', type: 'boolean', description: 'print the analysis as JSON' },
  ],
  async run(args, io) {
    const target = args.positionals[0];
    if (!target) throw new UsageError('which model? give a template name or a .json file');
    const batch = optNumber(args, 'batch') ?? 1;
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch must be a positive integer, got ${batch}`);
    const graph = loadGraph(target, optList(args, 'set'));
    const summary = summarizeGraph(graph, { batch });
    if (optBool(args, 'json', false)) {
      const { analysis } = summary;
      io.out(
        JSON.stringify(
          {
            name: graph.name,
            batch,
            valid: analysis.valid,
            errors: analysis.errors.map((e) => ({ node: e.node ?? null, message: e.message })),
            nodes: analysis.nodes.map((n) => ({ name: n.name, op: n.op, outputShape: n.outputShape, params: n.paramCount.total, flops: n.flops, rf: n.rf })),
            totals: analysis.totals,
          },
          null,
          2,
        ),
      );
    } else {
      for (const line of summary.lines) io.out(line);
    }
    return summary.analysis.valid ? 0 : 1;
  },
};
