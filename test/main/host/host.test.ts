import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, HostError, type Host } from '../../../main/host/server';
import { closeApp, createApp, type AppContext } from '../../../main/services/index';
import { buildPoolWorker } from '../helpers/worker-bundle';
import { connect, refusedUpgrade } from '../helpers/ws-client';

let app: AppContext;
let host: Host;
let rendererDir: string;

function get(port: number, path: string, hostHeader?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path, headers: hostHeader ? { host: hostHeader } : {} }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }));
    });
    req.on('error', rej);
    req.end();
  });
}

const wsUrl = (h: Host, token = h.token): string => `ws://127.0.0.1:${h.port}/ws?token=${token}`;

beforeAll(async () => {
  const base = resolve(import.meta.dirname, '../../../.convlab-tmp');
  mkdirSync(base, { recursive: true });
  rendererDir = mkdtempSync(join(base, 'renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>ConvLab test</title>');
  app = createApp({ workerFile: await buildPoolWorker(), threads: 1 });
  host = await startHost({ app, rendererDir });
}, 60_000);

afterAll(async () => {
  await host?.close();
  if (app) await closeApp(app);
});

describe('browser host: HTTP', () => {
  it('listens on 127.0.0.1 with a long random token in the URL', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[0-9a-f]{64}$`));
  });

  it('serves the renderer with a strict CSP', async () => {
    const r = await get(host.port, '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('ConvLab test');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain(`ws://127.0.0.1:${host.port}`);
  });

  it('refuses paths outside the renderer folder and foreign Host headers', async () => {
    expect((await get(host.port, '/../../package.json')).status).toBe(404);
    expect((await get(host.port, '/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    const r = await get(host.port, '/', 'evil.example:80');
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/unexpected Host header/);
  });
});

describe('browser host: WebSocket contract', () => {
  it('refuses a WebSocket without the token or with a wrong one, and keeps running', async () => {
    const none = await refusedUpgrade(`ws://127.0.0.1:${host.port}/ws`);
    expect(none.status).toBe(401);
    expect(none.body).toMatch(/token/);
    const wrong = await refusedUpgrade(wsUrl(host, 'f'.repeat(64)));
    expect(wrong.status).toBe(401);
    const foreign = await refusedUpgrade(wsUrl(host), { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const c = await connect(wsUrl(host));
    const pong = await c.request('app.ping', { note: 'still here' });
    expect(pong).toMatchObject({ ok: true, result: { pong: true, transport: 'websocket', note: 'still here' } });
    c.close();
  });

  it('answers bad input with clear errors and keeps the connection', async () => {
    const c = await connect(wsUrl(host));
    const unknown = await c.request('jobs.explode', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-method', method: 'jobs.explode' } });
    if (!unknown.ok) expect(unknown.error.message).toMatch(/unknown method "jobs.explode"/);
    const wrongType = await c.request('jobs.cancel', { jobId: 42 });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (!wrongType.ok) expect(wrongType.error.message).toMatch(/jobId/);
    const extra = await c.request('app.ping', { note: 'x', sneaky: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    const badJob = await c.request('jobs.start', { kind: 'selftest', params: { steps: -1 } });
    expect(badJob).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    const noJob = await c.request('jobs.get', { jobId: 'nope' });
    expect(noJob).toMatchObject({ ok: false, error: { code: 'invalid-params', message: 'jobs.get: no job with id "nope"' } });
    expect(await c.sendRaw('{not json')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await c.sendRaw(JSON.stringify({ type: 'request', method: 'app.ping' }))).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await c.sendRaw(Buffer.from([1, 2, 3]))).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await c.request('app.ping')).toMatchObject({ ok: true });
    c.close();
  });

  it('streams progress of a real pool job to the client', async () => {
    const c = await connect(wsUrl(host));
    const started = await c.request('jobs.start', { kind: 'selftest', params: { steps: 4, size: 8 } });
    expect(started.ok).toBe(true);
    const jobId = started.ok ? (started.result as { jobId: string }).jobId : '';
    const done = await c.waitForEvent((e) => e.event === 'job.state' && e.payload.job.id === jobId && e.payload.job.state === 'succeeded');
    const progress = c.events.filter((e) => e.event === 'job.progress' && e.payload.jobId === jobId);
    expect(progress.map((e) => (e.event === 'job.progress' ? e.payload.done : 0))).toEqual([1, 2, 3, 4]);
    expect(done.event === 'job.state' && (done.payload.job.result as { steps: number }).steps).toBe(4);
    const listed = await c.request('jobs.list');
    expect(listed.ok && (listed.result as { id: string }[]).some((j) => j.id === jobId)).toBe(true);
    c.close();
  });

  it('reports a port already in use clearly and leaves the first host running', async () => {
    const err = await startHost({ app, rendererDir, port: host.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostError);
    expect(String(err)).toMatch(new RegExp(`port ${host.port} on 127\\.0\\.0\\.1 is already in use`));
    expect((await get(host.port, '/')).status).toBe(200);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

  it.skipIf(!external)('refuses peers that are not loopback (host bound wide on purpose) and keeps serving', async () => {
    const wide = await startHost({ app, rendererDir, bindAddress: '0.0.0.0' });
    try {
      const r = await refusedUpgrade(`ws://${external}:${wide.port}/ws?token=${wide.token}`, { host: `127.0.0.1:${wide.port}` });
      expect(r.status).toBe(403);
      expect(r.body).toMatch(/not a loopback address/);
      const c = await connect(wsUrl(wide));
      expect(await c.request('app.ping')).toMatchObject({ ok: true });
      c.close();
    } finally {
      await wide.close();
    }
  });
});
