/**
 * The browser host: the main-process services in plain Node, serving the built renderer over
 * HTTP and the contract over a WebSocket at /ws, on 127.0.0.1 only. Every WebSocket must present
 * the per-run token (`/ws?token=...`); non-loopback peers and foreign Host headers are refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatchText } from '../contract/dispatch';
import type { ResponseMessage, ServerMessage } from '../contract/types';
import { contentSecurityPolicy } from '../security/csp';
import { createHandlers, type AppContext } from '../services/index';
import { isAllowedHostHeader, isLoopbackAddress } from './loopback';
import { serveStatic } from './static';

export interface HostOptions {
  app: AppContext;
  /** Folder with the built renderer (index.html). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
  /** Always 127.0.0.1 in the app; tests bind 0.0.0.0 to prove non-loopback peers are refused. */
  bindAddress?: string;
  /** Called with one line per refused connection or notable event. */
  log?: (line: string) => void;
}

export interface Host {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  /** Open WebSocket connections. */
  readonly clients: number;
  close(): Promise<void>;
}

export class HostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostError';
  }
}

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

function send(ws: WebSocket, msg: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const bind = opts.bindAddress ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(32).toString('hex');
  const log = opts.log ?? (() => {});
  const handlers = createHandlers(opts.app, 'websocket');
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = opts.port ?? 0;

  /** Common gate for HTTP and upgrade requests; returns the refusal or undefined. */
  const gate = (req: IncomingMessage): { status: number; reason: string; message: string } | undefined => {
    const peer = req.socket.remoteAddress;
    if (!isLoopbackAddress(peer)) {
      log(`refused connection from ${peer}: not loopback`);
      return { status: 403, reason: 'Forbidden', message: `ConvLab's host accepts connections from this machine only; ${peer} is not a loopback address` };
    }
    if (!isAllowedHostHeader(req.headers.host, port)) {
      return { status: 403, reason: 'Forbidden', message: `unexpected Host header "${req.headers.host ?? ''}" (expected 127.0.0.1:${port})` };
    }
    return undefined;
  };

  const server = createServer((req, res) => {
    const denied = gate(req);
    if (denied) {
      res.writeHead(denied.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(denied.message);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end(`method ${req.method} not allowed`);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    serveStatic(opts.rendererDir, path, res, headers).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${e instanceof Error ? e.message : String(e)}`);
    });
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const denied = gate(req);
    if (denied) return refuse(socket, denied.status, denied.reason, denied.message);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/ws') return refuse(socket, 404, 'Not Found', `no WebSocket endpoint at ${url.pathname} (use /ws)`);
    if (!tokenMatches(url.searchParams.get('token'), token)) {
      log('refused WebSocket without a valid token');
      return refuse(socket, 401, 'Unauthorized', 'missing or wrong token: open the URL that `convlab serve` printed');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !isAllowedHostHeader(origin.replace(/^http:\/\//, ''), port)) {
      return refuse(socket, 403, 'Forbidden', `WebSocket from foreign origin ${origin} refused`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const off = opts.app.pool.subscribe((event) => send(ws, event));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const reply: ResponseMessage = { type: 'response', id: null, ok: false, error: { code: 'bad-request', message: 'malformed request: binary frames are not accepted, send JSON text' } };
        send(ws, reply);
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
      dispatchText(handlers, text).then((reply) => send(ws, reply), () => {});
    });
    ws.on('close', off);
    ws.on('error', off);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new HostError(`port ${port} on ${bind} is already in use; pick another with --port N, or --port 0 for a free one`));
      else if (e.code === 'EACCES') reject(new HostError(`not allowed to listen on port ${port} (ports below 1024 need privileges)`));
      else reject(new HostError(`cannot listen on ${bind}:${port}: ${e.message}`));
    });
    server.listen(port, bind, () => resolveListen());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new HostError('host did not get a TCP address');
  port = address.port;
  // A listen error after startup (none expected) must not crash the process.
  server.on('error', (e) => log(`host error: ${e.message}`));

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    get clients() {
      return wss.clients.size;
    },
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
