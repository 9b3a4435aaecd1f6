import { beforeEach, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, IPC_EVENT, IPC_REQUEST } from '../../../main/contract/names';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (_channel: string, envelope: unknown) => ({ type: 'response', id: 1, ok: true, result: envelope }));
const listeners = new Map<string, ((e: unknown, msg: unknown) => void)[]>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke,
    on: (channel: string, fn: (e: unknown, msg: unknown) => void) => listeners.set(channel, [...(listeners.get(channel) ?? []), fn]),
    removeListener: (channel: string, fn: (e: unknown, msg: unknown) => void) => listeners.set(channel, (listeners.get(channel) ?? []).filter((f) => f !== fn)),
  },
}));

beforeEach(() => invoke.mockClear());

describe('preload bridge', () => {
  it('exposes exactly one object, window.convlab, with the contract and nothing else', async () => {
    await import('../../../main/electron/preload');
    expect([...exposed.keys()]).toEqual(['convlab']);
    const api = exposed.get('convlab') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['methods', 'onEvent', 'request']);
    expect(api.methods).toEqual([...METHOD_NAMES]);
  });

  it('sends request envelopes over the one request channel', async () => {
    const { bridge } = await import('../../../main/electron/preload');
    await bridge.request('app.ping', { note: 'hi' });
    expect(invoke).toHaveBeenCalledWith(IPC_REQUEST, { type: 'request', id: expect.any(Number), method: 'app.ping', params: { note: 'hi' } });
  });

  it('delivers events and unsubscribes', async () => {
    const { bridge } = await import('../../../main/electron/preload');
    const got: unknown[] = [];
    const off = bridge.onEvent((e) => got.push(e));
    const msg = { type: 'event', event: 'log', payload: { time: 1, level: 'info', source: 't', message: 'm' } };
    for (const fn of listeners.get(IPC_EVENT) ?? []) fn({}, msg);
    off();
    for (const fn of listeners.get(IPC_EVENT) ?? []) fn({}, msg);
    expect(got).toEqual([msg]);
  });
});
