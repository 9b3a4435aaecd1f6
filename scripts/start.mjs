#!/usr/bin/env node
// `npm start`: build, then launch the desktop app; where Electron cannot start (no binary, no
// display) say so in one line and serve the browser host instead, printing its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const forceBrowser = args.includes('--browser');

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status ?? 1;
}

if (!skipBuild) {
  console.log('convlab: building...');
  if (run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']) !== 0) {
    console.error('convlab: build failed');
    process.exit(1);
  }
}

/** Why Electron cannot start here, or null when it should. */
function electronBlocker() {
  if (forceBrowser) return 'browser mode requested (--browser)';
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return 'the electron package is not installed';
  }
  const pathTxt = join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return 'the Electron binary is not installed (it could not be downloaded)';
  const bin = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  if (!existsSync(bin)) return `the Electron binary is missing (${bin})`;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)';
  return null;
}

function serve(reason) {
  console.log(`convlab: Electron cannot start here: ${reason}; serving the browser version instead.`);
  const child = spawn(process.execPath, [join(root, 'out/main/cli.js'), 'serve'], { cwd: root, stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

const blocker = electronBlocker();
if (blocker) {
  serve(blocker);
} else {
  const electronBin = createRequire(join(root, 'package.json'))('electron');
  const started = Date.now();
  const child = spawn(electronBin, [root], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    process.stderr.write(d);
  });
  child.on('error', (e) => serve(`Electron failed to launch (${e.message})`));
  child.on('exit', (code) => {
    // A crash within seconds of launch means Electron could not start (missing libraries, GPU...).
    if (code !== 0 && Date.now() - started < 10_000) {
      const line = stderr.trim().split('\n').pop() ?? `exit code ${code}`;
      serve(`Electron exited at start (${line})`);
    } else process.exit(code ?? 0);
  });
}
