/**
 * `convlab bench`: ConvLab's engines against the other JavaScript engines, ONNX Runtime and
 * PyTorch, in one run: training and inference images/s at batch 64 and latency at batch 1,
 * medians of several repetitions, the ratios the issues set targets for, and the machine.
 * Prints the table (stdout) and progress (stderr), and writes the JSON report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { machineLines } from '../../../bench/machine';
import { formatMarkdown, formatRatios, formatSkips, formatTable } from '../../../bench/report';
import { runBench } from '../../../bench/run-bench';
import { MODELS, SYSTEMS, type ModelName, type SystemName } from '../../../bench/types';
import { optBool, optNumber, optString, UsageError, type Command } from '../command';

function pickList<T extends string>(raw: string | undefined, all: readonly T[], what: string): T[] {
  if (raw === undefined) return [...all];
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new UsageError(`--${what} needs at least one name (${all.join(', ')})`);
  const out: T[] = [];
  for (const n of names) {
    const hit = all.find((a) => a === n);
    if (!hit) throw new UsageError(`--${what}: unknown "${n}" (choose from ${all.join(', ')})`);
    out.push(hit);
  }
  return out;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Benchmark ConvLab (core, ORT) against ConvNetJS, TensorFlow.js, bare ONNX Runtime and PyTorch.',
  details:
    `Models: ${MODELS.join(', ')}. Systems: ${SYSTEMS.join(', ')} (ort-bare is a bare onnxruntime-node InferenceSession loop). ` +
    'Peers that are not installed are skipped with the reason; nothing is installed. PyTorch runs through /usr/bin/python3 (Debian python3-torch). ' +
    'Writes bench-results/latest.json (bench-results/quick.json with --quick) unless --json names another file.',
  options: [
    { name: 'models', type: 'string', description: `comma-separated models (default all: ${MODELS.join(',')})`, placeholder: 'LIST' },
    { name: 'systems', type: 'string', description: 'comma-separated systems (default all)', placeholder: 'LIST' },
    { name: 'quick', type: 'boolean', description: 'tiny iteration counts: checks the harness, figures mean little' },
    { name: 'json', type: 'string', description: 'write the JSON report here', placeholder: 'FILE' },
    { name: 'batch', type: 'int', description: 'throughput batch size (default 64)', placeholder: 'N' },
    { name: 'threads', type: 'int', description: 'threads for multi-threaded systems (default: all cores)', placeholder: 'N' },
    { name: 'markdown', type: 'boolean', description: 'also print the table as Markdown (for the README)' },
  ],
  async run(args, io) {
    const models: ModelName[] = pickList(optString(args, 'models'), MODELS, 'models');
    const systems: SystemName[] = pickList(optString(args, 'systems'), SYSTEMS, 'systems');
    const quick = optBool(args, 'quick', false);
    const batch = optNumber(args, 'batch') ?? 64;
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch must be a positive integer, got ${batch}`);
    const threads = optNumber(args, 'threads');
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new UsageError(`--threads must be a positive integer, got ${threads}`);
    const jsonPath = optString(args, 'json') ?? (quick ? 'bench-results/quick.json' : 'bench-results/latest.json');

    io.err(`convlab bench: ${models.join(', ')} on ${systems.join(', ')}${quick ? ' (quick: harness check, not a measurement)' : ''}`);
    const report = await runBench({ models, systems, quick, batch, threads, log: (l) => io.err(l) });

    for (const l of machineLines(report.machine)) io.out(l);
    if (report.torch) io.out(`pytorch ${report.torch.torch} (python ${report.torch.python}, ${report.torch.threads} threads, oneDNN ${report.torch.mkldnn ? 'on' : 'off'}, BLAS ${report.torch.blas})`);
    io.out(`medians of up to ${report.plan.reps} repetitions after ${report.plan.warmup} warm-up(s), ${report.plan.rowBudgetSeconds} s box per row; ${report.threads} thread(s) for multi-threaded systems; ${report.seconds.toFixed(0)} s in all`);
    io.out('');
    for (const l of formatTable(report.rows, report.batch)) io.out(l);
    io.out('');
    for (const l of formatRatios(report.ratios)) io.out(l);
    if (report.skipped.length > 0) io.out('');
    for (const l of formatSkips(report.skipped)) io.out(l);
    if (optBool(args, 'markdown', false)) {
      io.out('');
      for (const l of formatMarkdown(report.rows, report.batch)) io.out(l);
    }
    mkdirSync(dirname(jsonPath), { recursive: true });
    writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n');
    io.err(`wrote ${jsonPath}`);
    return report.rows.length > 0 ? 0 : 1;
  },
};
