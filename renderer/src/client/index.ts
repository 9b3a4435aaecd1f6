/**
 * The renderer's single way to reach main. Picks the transport once: the Electron preload
 * bridge (`window.convlab`) when present, else the browser host's WebSocket (`/ws?token=...`).
 * No other renderer file knows which one is in use. Contract types are imported as types only.
 */
import type { ConvlabBridge } from '../../../main/contract/bridge';
import type { ContractErrorCode, EventMessage, MethodName, Params, ResponseMessage, Result } from '../../../main/contract/types';

declare global {
  interface Window {
    convlab?: ConvlabBridge;
  }
}

/** A contract error reply, or a transport failure (code 'transport'). */
export class ClientError extends Error {
  constructor(
    readonly code: ContractErrorCode | 'transport',
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export interface Client {
  readonly transport: 'electron' | 'websocket';
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  onEvent(listener: (event: EventMessage) => void): () => void;
}

interface RawTransport {
  kind: Client['transport'];
  request(method: string, params: unknown): Promise<ResponseMessage>;
  onEvent(listener: (event: EventMessage) => void): () => void;
}

const TOKEN_KEY = 'convlab.token';

function socketTransport(): RawTransport {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl);
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const listeners = new Set<(event: EventMessage) => void>();
  const pending = new Map<number, { resolve: (r: ResponseMessage) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;

  const open = (): Promise<WebSocket> => {
    if (opened && socket && socket.readyState <= WebSocket.OPEN) return opened;
    const ws = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`);
    socket = ws;
    opened = new Promise((resolve, reject) => {
      ws.addEventListener('open', () => resolve(ws), { once: true });
      ws.addEventListener('close', () => {
        reject(new ClientError('transport', 'could not connect to the ConvLab host (wrong or missing token? open the URL that `convlab serve` printed)'));
        for (const p of pending.values()) p.reject(new ClientError('transport', 'connection to the ConvLab host closed'));
        pending.clear();
      });
    });
    ws.addEventListener('message', (ev: MessageEvent<string>) => {
      const msg: ResponseMessage | EventMessage = JSON.parse(ev.data);
      if (msg.type === 'event') {
        for (const l of listeners) l(msg);
        return;
      }
      if (typeof msg.id !== 'number') return;
      pending.get(msg.id)?.resolve(msg);
      pending.delete(msg.id);
    });
    return opened;
  };

  return {
    kind: 'websocket',
    async request(method, params) {
      const ws = await open();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ type: 'request', id, method, params }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      void open().catch(() => {});
      return () => listeners.delete(listener);
    },
  };
}

function bridgeTransport(bridge: ConvlabBridge): RawTransport {
  return { kind: 'electron', request: (m, p) => bridge.request(m, p), onEvent: (l) => bridge.onEvent(l) };
}

function createClient(raw: RawTransport): Client {
  return {
    transport: raw.kind,
    async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
      const reply = await raw.request(method, params);
      if (!reply.ok) throw new ClientError(reply.error.code, reply.error.message);
      // main validated the request and produced this result from the same contract.
      return reply.result as Result<M>;
    },
    onEvent: (listener) => raw.onEvent(listener),
  };
}

let client: Client | undefined;

/** The one client for this page. */
export function getClient(): Client {
  client ??= createClient(window.convlab ? bridgeTransport(window.convlab) : socketTransport());
  return client;
}
