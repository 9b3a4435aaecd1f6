/**
 * What the Electron preload exposes as `window.convlab` (types only; the renderer's client
 * module uses it when present). The browser host speaks the same envelopes over a WebSocket.
 */
import type { MethodName } from './names';
import type { EventMessage, ResponseMessage } from './types';

export interface ConvlabBridge {
  /** The method names the contract defines. */
  readonly methods: readonly MethodName[];
  /** Sends one request envelope to main; resolves with the response envelope (never rejects for contract errors). */
  request(method: string, params?: unknown): Promise<ResponseMessage>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: (event: EventMessage) => void): () => void;
}

export const BRIDGE_KEY = 'convlab';
