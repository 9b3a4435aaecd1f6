import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary } from '../../main/system/doctor';
import { assertBuilt, repoRoot } from './helpers/host';
import { connect } from '../main/helpers/ws-client';

describe('npm start fallback', () => {
  it.skipIf(electronBinary().found && !!process.env.DISPLAY)('says in one line why Electron cannot start, then serves the browser host', async () => {
    assertBuilt();
    const env = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' };
    const child = spawn(process.execPath, [resolve(repoRoot, 'scripts/start.mjs'), '--no-build'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const url = await new Promise<string>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no URL within 30 s:\n${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(out);
          if (m) {
            clearTimeout(timer);
            res(m[1]);
          }
        });
      });
      const reason = out.split('\n').filter((l) => l.startsWith('convlab: Electron cannot start here:'));
      expect(reason).toHaveLength(1);
      expect(reason[0]).toMatch(/(Electron binary|no display)/);
      const u = new URL(url);
      const c = await connect(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`);
      expect(await c.request('app.ping')).toMatchObject({ ok: true, result: { transport: 'websocket' } });
      c.close();
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
