/** Starts the built browser host (`node out/main/cli.js serve --no-open --port 0`) and reads its URL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const builtCli = resolve(repoRoot, 'out/main/cli.js');

export interface RunningHost {
  url: string;
  port: number;
  token: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(builtCli)) throw new Error(`e2e tests need a build: ${builtCli} is missing (run \`npm run build\`; \`npm test\` does it)`);
}

/** `env` is added to the host's environment (e.g. CONVLAB_CONFIG_DIR for a fresh config dir). */
export function startBuiltHost(extraArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningHost> {
  assertBuilt();
  const child = spawn(process.execPath, [builtCli, 'serve', '--no-open', '--port', '0', ...extraArgs], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Never leave a host behind if the test process ends without calling stop().
  const reap = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  void exited.then(() => process.off('exit', reap));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`host did not print its URL within 20 s; output:\n${out}`));
    }, 20_000);
    const check = (): void => {
      const m = /serving at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolvePromise({ url: m[1], port: Number(m[2]), token: m[3], child, output: () => out, stop });
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code} before serving; output:\n${out}`));
    });
  });
}
