import { describe, expect, it } from 'vitest';
import { dispatch, dispatchText, ContractFailure } from '../../../main/contract/dispatch';
import { METHOD_NAMES } from '../../../main/contract/names';
import { methods } from '../../../main/contract/methods';
import { events } from '../../../main/contract/events';
import { EVENT_NAMES } from '../../../main/contract/names';
import type { Handlers } from '../../../main/contract/types';
import { datasetHandlers } from '../../../main/services/datasets';
import { projectHandlers } from '../../../main/services/projects';

function recordingHandlers(): { handlers: Handlers; calls: string[] } {
  const calls: string[] = [];
  const handlers: Handlers = {
    'app.ping': async (p) => {
      calls.push('app.ping');
      return { pong: true, version: '0', transport: 'test', note: p.note };
    },
    'system.doctor': async () => {
      calls.push('system.doctor');
      return { checks: [], node: 'v', platform: 'p', threads: 1, cpuModel: 'c' };
    },
    'jobs.kinds': async () => [],
    'jobs.start': async (p) => {
      calls.push(`jobs.start:${p.kind}:${JSON.stringify(p.params)}`);
      return { jobId: 'j1' };
    },
    'jobs.cancel': async (p) => {
      calls.push(`jobs.cancel:${p.jobId}`);
      throw new ContractFailure('invalid-params', `no job with id "${p.jobId}"`);
    },
    'jobs.get': async () => {
      throw new Error('disk on fire');
    },
    'jobs.list': async () => [],
    // The lab methods (tested in test/main/services) are not exercised here.
    'jobs.pause': async () => ({ paused: false }),
    'jobs.resume': async () => ({ resumed: false }),
    'model.featureMaps': async () => {
      throw new Error('not used here');
    },
    'model.runWeights': async () => {
      throw new Error('not used here');
    },
    ...projectHandlers(),
    ...datasetHandlers(),
  };
  return { handlers, calls };
}

describe('contract dispatch', () => {
  it('defines a schema for exactly the listed methods and events', () => {
    expect(Object.keys(methods).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('passes validated params (with defaults) to the handler', async () => {
    const { handlers, calls } = recordingHandlers();
    const r = await dispatch(handlers, { type: 'request', id: 3, method: 'jobs.start', params: { kind: 'selftest' } });
    expect(r).toEqual({ type: 'response', id: 3, ok: true, result: { jobId: 'j1' } });
    expect(calls).toEqual(['jobs.start:selftest:{}']);
  });

  it.each([
    ['not an object', 42, 'bad-request', null],
    ['missing id', { type: 'request', method: 'app.ping' }, 'bad-request', null],
    ['wrong type tag', { type: 'reply', id: 1, method: 'app.ping' }, 'bad-request', 1],
    ['extra envelope key', { type: 'request', id: 1, method: 'app.ping', admin: true }, 'bad-request', 1],
    ['unknown method', { type: 'request', id: 2, method: 'fs.readFile', params: {} }, 'unknown-method', 2],
    ['prototype key as method', { type: 'request', id: 2, method: 'constructor', params: {} }, 'unknown-method', 2],
    ['wrong arg type', { type: 'request', id: 4, method: 'jobs.start', params: { kind: 7 } }, 'invalid-params', 4],
    ['params not an object', { type: 'request', id: 5, method: 'jobs.cancel', params: 'abc' }, 'invalid-params', 5],
    ['unexpected param', { type: 'request', id: 6, method: 'jobs.cancel', params: { jobId: 'a', force: true } }, 'invalid-params', 6],
  ])('%s: clear error, handler never runs', async (_name, raw, code, id) => {
    const { handlers, calls } = recordingHandlers();
    const r = await dispatch(handlers, raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message.length).toBeGreaterThan(10);
    }
    expect(r.id).toBe(id);
    expect(calls).toEqual([]);
  });

  it('names the offending field', async () => {
    const { handlers } = recordingHandlers();
    const r = await dispatch(handlers, { type: 'request', id: 1, method: 'jobs.cancel', params: { jobId: 42 } });
    expect(!r.ok && r.error.message).toMatch(/^jobs\.cancel: jobId: /);
  });

  it('turns service failures into error replies with their code', async () => {
    const { handlers } = recordingHandlers();
    const a = await dispatch(handlers, { type: 'request', id: 1, method: 'jobs.cancel', params: { jobId: 'x' } });
    expect(a).toEqual({ type: 'response', id: 1, ok: false, error: { code: 'invalid-params', message: 'jobs.cancel: no job with id "x"', method: 'jobs.cancel' } });
    const b = await dispatch(handlers, { type: 'request', id: 2, method: 'jobs.get', params: { jobId: 'x' } });
    expect(b).toMatchObject({ ok: false, error: { code: 'internal', message: 'jobs.get: disk on fire' } });
  });

  it('answers text that is not JSON', async () => {
    const { handlers } = recordingHandlers();
    expect(await dispatchText(handlers, '{oops')).toMatchObject({ id: null, ok: false, error: { code: 'bad-request', message: 'malformed request: not valid JSON' } });
  });
});
