/**
 * What works on this machine: Electron binary, ONNX Runtime, Chromium, display, threads, Node.
 * Shared by `convlab doctor`, the `system.doctor` contract method and `npm start`'s fallback.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, platform } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ortInfo } from '../ort/adapter';

export interface Check {
  name: string;
  ok: boolean;
  /** One line: the version or path found, or why it is missing. */
  detail: string;
}

export interface DoctorReport {
  checks: Check[];
  node: string;
  platform: string;
  threads: number;
  cpuModel: string;
}

const localRequire = createRequire(import.meta.url);

/** Electron's package installs without its binary here; the binary lives at dist/<path.txt>. */
export function electronBinary(): { found: boolean; path?: string; reason: string } {
  let pkgDir: string;
  try {
    pkgDir = dirname(localRequire.resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed' };
  }
  const pathTxt = join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return { found: false, reason: `electron ${electronVersion(pkgDir)} installed without its binary (no ${pathTxt})` };
  const bin = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(bin)) return { found: false, reason: `binary missing at ${bin}` };
  return { found: true, path: bin, reason: bin };
}

function electronVersion(pkgDir: string): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (pkg && typeof pkg === 'object' && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through
  }
  return '(unknown version)';
}

/** Whether a GUI can open: always on Windows/macOS, on Linux only with DISPLAY or WAYLAND_DISPLAY. */
export function displayAvailable(env: NodeJS.ProcessEnv = process.env, os: string = platform()): { ok: boolean; detail: string } {
  if (os !== 'linux') return { ok: true, detail: os };
  if (env.WAYLAND_DISPLAY) return { ok: true, detail: `wayland ${env.WAYLAND_DISPLAY}` };
  if (env.DISPLAY) return { ok: true, detail: `X11 ${env.DISPLAY}` };
  return { ok: false, detail: 'no DISPLAY or WAYLAND_DISPLAY (headless)' };
}

const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The first Chromium-family browser: $CHROMIUM_PATH, /usr/bin/chromium, then PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.CHROMIUM_PATH) candidates.push(env.CHROMIUM_PATH);
  candidates.push('/usr/bin/chromium');
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of CHROMIUM_NAMES) candidates.push(join(dir, name));
  }
  return candidates.find((c) => existsSync(c));
}

export function doctor(): DoctorReport {
  const checks: Check[] = [];
  const electron = electronBinary();
  checks.push({ name: 'Electron binary', ok: electron.found, detail: electron.reason });
  const display = displayAvailable();
  checks.push({ name: 'Display', ok: display.ok, detail: display.detail });
  try {
    const info = ortInfo();
    checks.push({ name: 'ONNX Runtime', ok: true, detail: `onnxruntime-node ${info.version}, providers: ${info.providers.join(', ')}` });
  } catch (e) {
    checks.push({ name: 'ONNX Runtime', ok: false, detail: e instanceof Error ? e.message : String(e) });
  }
  const chromium = findChromium();
  checks.push({ name: 'Chromium', ok: chromium !== undefined, detail: chromium ?? 'not found (apt-get install -y chromium)' });
  const list = cpus();
  return {
    checks,
    node: process.version,
    platform: `${platform()} ${process.arch}`,
    threads: availableParallelism(),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
  };
}

export function formatDoctor(report: DoctorReport): string[] {
  const lines = report.checks.map((c) => `${c.ok ? 'ok  ' : 'MISS'}  ${c.name.padEnd(16)} ${c.detail}`);
  lines.push(`info  ${'CPU threads'.padEnd(16)} ${report.threads} (${report.cpuModel})`);
  lines.push(`info  ${'Node'.padEnd(16)} ${report.node} on ${report.platform}`);
  return lines;
}
