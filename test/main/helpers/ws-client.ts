/** A small test client for the browser host's WebSocket: requests by id, collected events. */
import WebSocket from 'ws';
import type { EventMessage, ResponseMessage } from '../../../main/contract/types';

export interface TestClient {
  ws: WebSocket;
  events: EventMessage[];
  request(method: string, params?: unknown): Promise<ResponseMessage>;
  sendRaw(data: string | Buffer): Promise<ResponseMessage>;
  waitForEvent(pred: (e: EventMessage) => boolean, timeoutMs?: number): Promise<EventMessage>;
  close(): void;
}

export function connect(url: string, headers?: Record<string, string>): Promise<TestClient> {
  const ws = new WebSocket(url, { headers });
  const events: EventMessage[] = [];
  const waiting = new Map<number | string | null, (r: ResponseMessage) => void>();
  const eventWaiters = new Set<() => void>();
  let next = 1;
  ws.on('message', (data) => {
    const msg: ResponseMessage | EventMessage = JSON.parse(String(data));
    if (msg.type === 'event') {
      events.push(msg);
      for (const w of [...eventWaiters]) w();
      return;
    }
    const resolve = waiting.get(msg.id);
    waiting.delete(msg.id);
    resolve?.(msg);
  });
  const expect = (id: number | string | null): Promise<ResponseMessage> => new Promise((r) => waiting.set(id, r));
  const client: TestClient = {
    ws,
    events,
    request(method, params) {
      const id = next++;
      const p = expect(id);
      ws.send(JSON.stringify({ type: 'request', id, method, params }));
      return p;
    },
    sendRaw(data) {
      const p = expect(null);
      ws.send(data);
      return p;
    },
    waitForEvent(pred, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = events.find(pred);
          if (hit) {
            eventWaiters.delete(check);
            clearTimeout(timer);
            resolve(hit);
          }
          return hit !== undefined;
        };
        const timer = setTimeout(() => {
          eventWaiters.delete(check);
          reject(new Error('timed out waiting for an event'));
        }, timeoutMs);
        if (!check()) eventWaiters.add(check);
      });
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/** Tries to open a WebSocket that the host should refuse; resolves with the HTTP status and body. */
export function refusedUpgrade(url: string, headers?: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      reject(new Error('the host accepted a connection it should refuse'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', () => {});
  });
}
