/** What the figures were measured on: CPU, cores, memory, load, and the versions of every peer. */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run started (a busy shared machine shows here). */
  loadAtStart: number;
  /** Where libblas.so.3 points (PyTorch uses it for its non-oneDNN GEMMs). */
  blas: string;
  versions: Record<string, string>;
}

function packageVersion(name: string): string {
  try {
    const pkg: unknown = createRequire(import.meta.url)(`${name}/package.json`);
    if (pkg && typeof pkg === 'object' && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // not installed
  }
  return 'not installed';
}

function cpuModel(): string {
  const fromOs = cpus()[0]?.model?.trim();
  if (fromOs) return fromOs;
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return 'unknown CPU';
}

export function blasLibrary(): string {
  const link = '/usr/lib/x86_64-linux-gnu/libblas.so.3';
  try {
    return existsSync(link) ? realpathSync(link) : 'none found';
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    loadAtStart: Math.round(loadavg()[0] * 100) / 100,
    blas: blasLibrary(),
    versions: {
      'onnxruntime-node': packageVersion('onnxruntime-node'),
      '@tensorflow/tfjs': packageVersion('@tensorflow/tfjs'),
      '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
      convnetjs: packageVersion('convnetjs'),
    },
  };
}

export function machineLines(m: MachineInfo): string[] {
  const v = Object.entries(m.versions)
    .map(([k, val]) => `${k} ${val}`)
    .join(', ');
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
    `node ${m.node}; ${v}`,
    `BLAS: ${m.blas}; load average at start ${m.loadAtStart} (${m.loadAtStart > m.cores * 0.5 ? 'busy machine: figures are noisy' : 'quiet'})`,
  ];
}
