/**
 * PyTorch CPU through Debian's python3-torch: bench/pytorch-bench.py builds the same models and
 * prints JSON rows. The benchmark installs nothing; without /usr/bin/python3 or torch it says so.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchRow, ModelName, Runner, RunnerResult } from '../types';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = 'pytorch-bench.py';

/** bench/pytorch-bench.py, found from the source tree (tests) or from out/main (the built CLI). */
export function findScript(from: string = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bench', SCRIPT);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, SCRIPT))) return join(dir, SCRIPT);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

export interface TorchInfo {
  torch: string;
  python: string;
  blas: string;
  threads: number;
  mkldnn: boolean;
}

interface ScriptOutput {
  info: TorchInfo;
  rows: BenchRow[];
}

function isOutput(v: unknown): v is ScriptOutput {
  return typeof v === 'object' && v !== null && 'rows' in v && Array.isArray(v.rows) && 'info' in v && typeof v.info === 'object';
}

export function pytorchRunner(): Runner & { info(): TorchInfo | null } {
  let info: TorchInfo | null = null;
  const script = findScript();
  return {
    system: 'pytorch',
    info: () => info,
    async available() {
      if (!existsSync(PYTHON)) return `${PYTHON} is missing (apt-get install python3 python3-torch)`;
      if (!script) return `bench/${SCRIPT} not found next to the CLI`;
      try {
        execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe', timeout: 120_000 });
        return null;
      } catch {
        return `python3-torch is not installed for ${PYTHON} (apt-get install python3-torch libopenblas0-pthread)`;
      }
    },
    async run(model: ModelName, ctx: BenchContext): Promise<RunnerResult> {
      if (!script) throw new Error(`pytorch: bench/${SCRIPT} not found`);
      const p = ctx.plan;
      const args = [script, '--models', model, '--batch', String(ctx.batch), '--threads', String(ctx.threads), '--warmup', String(p.warmup), '--reps', String(p.reps), '--min-rep', String(p.minRepSeconds), '--row-budget', String(p.rowBudgetSeconds)];
      const env = { ...process.env, OMP_NUM_THREADS: String(ctx.threads), OPENBLAS_NUM_THREADS: String(ctx.threads) };
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(PYTHON, args, { env, timeout: (p.rowBudgetSeconds * 3 * 2 + 120) * 1000, maxBuffer: 1 << 20 }, (err, out, errText) => {
          if (err) reject(new Error(`pytorch ${model}: ${err.message.split('\n')[0]} ${errText.trim().split('\n').slice(-1)[0] ?? ''}`));
          else resolve(out);
        });
      });
      const parsed: unknown = JSON.parse(stdout.trim().split('\n').slice(-1)[0]);
      if (!isOutput(parsed)) throw new Error(`pytorch ${model}: unexpected output ${stdout.slice(0, 200)}`);
      info = parsed.info;
      for (const r of parsed.rows) {
        ctx.log(`  ${'pytorch'.padEnd(12)} ${model.padEnd(9)} ${r.mode} b${r.batch} t${r.threads}: ${r.imagesPerSecond.toFixed(1)} images/s${r.latencyMs === undefined ? '' : `, ${r.latencyMs.toFixed(2)} ms`} (${r.reps} reps)`);
      }
      return { rows: parsed.rows, skipped: [] };
    },
  };
}
