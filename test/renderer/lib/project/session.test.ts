/**
 * The project session against the real project handlers (temp config/projects dirs) through the
 * contract's dispatcher: first run, save/reopen with weights, dirty state, dropped weights on a
 * shape change, autosave + recovery offered at startup, save-as refusing to overwrite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTemplate, initWeights, Rng } from '../../../../core/index';
import { dispatch } from '../../../../main/contract/dispatch';
import type { Handlers, MethodName, Params, Result } from '../../../../main/contract/types';
import { datasetHandlers } from '../../../../main/services/datasets';
import { projectHandlers } from '../../../../main/services/projects';
import { ClientError } from '../../../../renderer/src/client/index';
import { EditorStore } from '../../../../renderer/src/lib/editor/editor-store';
import { ProjectSession, type ProjectClient } from '../../../../renderer/src/lib/project/session';

const root = mkdtempSync(join(tmpdir(), 'convlab-session-'));
const saved = { config: process.env.CONVLAB_CONFIG_DIR, projects: process.env.CONVLAB_PROJECTS_DIR };
beforeAll(() => {
  process.env.CONVLAB_CONFIG_DIR = join(root, 'config');
  process.env.CONVLAB_PROJECTS_DIR = join(root, 'projects');
});
afterAll(() => {
  if (saved.config === undefined) delete process.env.CONVLAB_CONFIG_DIR;
  else process.env.CONVLAB_CONFIG_DIR = saved.config;
  if (saved.projects === undefined) delete process.env.CONVLAB_PROJECTS_DIR;
  else process.env.CONVLAB_PROJECTS_DIR = saved.projects;
  rmSync(root, { recursive: true, force: true });
});

function contractClient(): ProjectClient & { calls: string[] } {
  const handlers: Partial<Handlers> = { ...projectHandlers(), ...datasetHandlers() };
  const calls: string[] = [];
  return {
    calls,
    async call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
      calls.push(method);
      const reply = await dispatch(handlers as Handlers, { type: 'request', id: 1, method, params });
      if (!reply.ok) throw new ClientError(reply.error.code, reply.error.message);
      return reply.result as Result<M>;
    },
  };
}

describe('project session', () => {
  it('first run gives LeNet-5 on MNIST, clean; a setting change makes it dirty', async () => {
    const s = new ProjectSession(contractClient(), new EditorStore());
    const r = await s.startup();
    expect(r.firstRun).toBe(true);
    expect(s.current.path).toBeNull();
    expect(s.current.meta.dataset.spec).toBe('mnist');
    expect(s.editor.graph.name).toBe('lenet5');
    expect(s.current.dirty).toBe(false);
    s.setDataset('cifar:/nowhere');
    expect(s.current.dirty).toBe(true);
  });

  it('saves with weights, reopens them bit for bit, and is clean after save', async () => {
    const editor = new EditorStore();
    const s = new ProjectSession(contractClient(), editor);
    await s.newProject();
    const weights = initWeights(editor.graph, new Rng(3));
    s.attachWeights(weights);
    expect(s.current.dirty).toBe(true);
    const path = join(root, 'projects', 'a.convlab');
    await s.saveAs(path);
    expect(s.current.path).toBe(path);
    expect(s.current.dirty).toBe(false);

    const t = new ProjectSession(contractClient(), new EditorStore());
    await t.open(path);
    const node = Object.keys(weights)[0];
    const param = Object.keys(weights[node])[0];
    expect(Array.from(t.current.weights?.[node][param].data ?? [])).toEqual(Array.from(weights[node][param].data));
    expect(t.editor.graph.nodes.map((n) => n.name)).toEqual(editor.graph.nodes.map((n) => n.name));
    // save-as onto an existing file is refused unless overwrite is asked for
    await expect(t.saveAs(path)).rejects.toThrow(/already exists/);
    await t.saveAs(path, true);
  });

  it('drops only the weights of a node whose parameters changed shape, says so, and undo brings them back', async () => {
    const notices: string[] = [];
    const editor = new EditorStore();
    const s = new ProjectSession(contractClient(), editor, { onNotice: (t) => notices.push(t) });
    await s.newProject();
    s.attachWeights(initWeights(editor.graph, new Rng(1)));
    const convs = editor.graph.nodes.filter((n) => n.op === 'Conv2D').map((n) => n.name);
    const all = Object.keys(s.current.weights ?? {}).length;
    // Moving a node keeps everything.
    editor.move(new Map([[convs[0], { x: 999, y: 999 }]]));
    expect(Object.keys(s.current.weights ?? {})).toHaveLength(all);
    // More filters in the first conv: it and the next conv (its input channels) lose their weights.
    expect(editor.setAttr(convs[0], 'filters', '10').ok).toBe(true);
    expect(s.current.dropped.sort()).toEqual([convs[0], convs[1]].sort());
    expect(Object.keys(s.current.weights ?? {})).toHaveLength(all - 2);
    expect(notices.at(-1)).toMatch(new RegExp(`Dropped the weights of .*${convs[0]}`));
    editor.undo();
    expect(s.current.dropped).toEqual([]);
    expect(Object.keys(s.current.weights ?? {})).toHaveLength(all);
  });

  it('autosaves the untitled project and offers the recovery copy at the next start', async () => {
    const editor = new EditorStore();
    const s = new ProjectSession(contractClient(), editor);
    await s.newProject({ empty: true });
    const input = editor.addOp('Input', { x: 0, y: 0 });
    editor.addOp('Flatten', { x: 0, y: 100 }, input);
    s.rename('draft');
    await s.autosaveNow();
    s.dispose();

    const t = new ProjectSession(contractClient(), new EditorStore());
    await t.startup();
    expect(t.current.recovery?.project.name).toBe('draft');
    await t.restoreRecovery();
    expect(t.current.meta.name).toBe('draft');
    expect(t.editor.graph.nodes.map((n) => n.op)).toEqual(['Input', 'Flatten']);
    expect(t.current.dirty).toBe(true);
    await t.discardRecovery();

    const u = new ProjectSession(contractClient(), new EditorStore());
    await u.startup();
    expect(u.current.recovery).toBeUndefined();
  });

  it('keeps a template name distinct from the project name and refuses a relative save path', async () => {
    const s = new ProjectSession(contractClient(), new EditorStore());
    await s.newProject({ template: 'vgg-small' });
    expect(s.editor.graph.nodes.length).toBe(buildTemplate('vgg-small').nodes.length);
    await expect(s.saveAs('relative.convlab')).rejects.toThrow(/absolute/);
    expect(await s.save()).toBe(false);
  });
});
