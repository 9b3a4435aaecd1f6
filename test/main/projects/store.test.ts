/** Project files on real temp dirs: round trips, refusals with reasons, atomic saves, recovery, recent, picker. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng, buildTemplate, graphToJson, initWeights, parseGraphJson } from '../../../core/index';
import type { ProjectDoc } from '../../../main/contract/types';
import { checkProject, newProject, ProjectError } from '../../../main/projects/format';
import { configDir, projectsDir, runsDir } from '../../../main/projects/paths';
import {
  discardRecovery,
  listProjects,
  openProjectFile,
  readRecent,
  readRecovery,
  saveProjectFile,
  writeRecovery,
} from '../../../main/projects/store';

let dir = '';
const saved = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convlab-projects-'));
  process.env.CONVLAB_CONFIG_DIR = join(dir, 'config');
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

function withWeights(p: ProjectDoc): ProjectDoc {
  const graph = buildTemplate('lenet5');
  const model: unknown = JSON.parse(graphToJson(graph, initWeights(graph, new Rng(3), { batch: 1 })));
  return checkProject({ ...p, model }, 'test').project;
}

describe('project files', () => {
  it('a new project is LeNet-5 on the bundled MNIST and survives save -> open unchanged (weights included)', () => {
    const fresh = newProject({ now: 1000 });
    expect(fresh.model.name).toBe('lenet5');
    expect(fresh.dataset.spec).toBe('mnist');
    expect(fresh.runs).toEqual([]);
    const p = withWeights(fresh);
    const file = join(dir, 'digits.convlab');
    const out = saveProjectFile(file, p, { now: 5000 });
    expect(out.bytes).toBe(readFileSync(file).length);
    expect(out.project.updatedAt).toBe(5000);
    const back = openProjectFile(file);
    expect(back.project).toEqual(out.project);
    const model = parseGraphJson(JSON.stringify(back.project.model));
    const orig = parseGraphJson(JSON.stringify(p.model));
    expect(model.weights?.c1.weight.data).toEqual(orig.weights?.c1.weight.data);
    expect(readRecent().map((r) => r.path)).toEqual([file]);
  });

  it.each([
    ['empty', '', /file is empty/],
    ['truncated', '{"format":"convlab-project","version":1,"na', /not valid JSON.*damaged or truncated/],
    ['another format', '{"format":"something-else","version":1}', /not a ConvLab project/],
    ['newer version', JSON.stringify({ format: 'convlab-project', version: 9 }), /newer ConvLab \(project version 9\).*up to version 1/],
  ])('refuses a %s file with the reason', (_name, text, reason) => {
    const file = join(dir, 'bad.convlab');
    writeFileSync(file, text);
    expect(() => openProjectFile(file)).toThrow(ProjectError);
    expect(() => openProjectFile(file)).toThrow(reason);
    expect(readRecent()).toEqual([]);
  });

  it('refuses schema and model damage, naming the field', () => {
    const p = newProject();
    const file = join(dir, 'bad.convlab');
    writeFileSync(file, JSON.stringify({ ...p, training: { ...p.training, epochs: 0 } }));
    expect(() => openProjectFile(file)).toThrow(/training\.epochs/);
    writeFileSync(file, JSON.stringify({ ...p, model: { ...p.model, outputs: ['nowhere'] } }));
    expect(() => openProjectFile(file)).toThrow(/model: .*output "nowhere" refers to no node/);
    const graph = buildTemplate('lenet5');
    const w = initWeights(graph, new Rng(1), { batch: 1 });
    const doc = JSON.parse(graphToJson(graph, w));
    doc.weights.c1.weight.shape = [7, 1, 5, 5];
    writeFileSync(file, JSON.stringify({ ...p, model: doc }));
    expect(() => openProjectFile(file)).toThrow(/model: .*c1/);
    expect(() => openProjectFile(join(dir, 'missing.convlab'))).toThrow(/no such file/);
    expect(() => openProjectFile('relative.convlab')).toThrow(/absolute/);
    expect(() => openProjectFile(join(dir, 'x.json'))).toThrow(/end in \.convlab/);
  });

  it('a failed save leaves the old file byte for byte and no temp file behind', () => {
    const file = join(dir, 'keep.convlab');
    saveProjectFile(file, newProject({ name: 'first' }));
    const before = readFileSync(file);
    expect(() =>
      saveProjectFile(file, newProject({ name: 'second' }), {
        hooks: {
          beforeRename: (tmp) => {
            expect(readFileSync(tmp, 'utf8')).toContain('"second"');
            throw new Error('disk full (simulated)');
          },
        },
      }),
    ).toThrow(/disk full/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(openProjectFile(file).project.name).toBe('first');
  });

  it('refuses to save a project whose model is broken; the file on disk is not touched', () => {
    const file = join(dir, 'p.convlab');
    saveProjectFile(file, newProject({ name: 'good' }));
    const p = newProject();
    expect(() => saveProjectFile(file, { ...p, model: { ...p.model, outputs: ['ghost'] } })).toThrow(/ghost/);
    expect(openProjectFile(file).project.name).toBe('good');
  });

  it('save-as refuses an existing file unless asked to overwrite', () => {
    const file = join(dir, 'a.convlab');
    saveProjectFile(file, newProject({ name: 'one' }));
    expect(() => saveProjectFile(file, newProject({ name: 'two' }), { overwrite: false })).toThrow(/already exists/);
    expect(openProjectFile(file).project.name).toBe('one');
    saveProjectFile(file, newProject({ name: 'two' }), { overwrite: true });
    expect(openProjectFile(file).project.name).toBe('two');
  });

  it('autosave writes a recovery copy in the config dir, open offers it, save clears it', async () => {
    const file = join(dir, 'r.convlab');
    saveProjectFile(file, newProject({ name: 'saved' }));
    await new Promise((r) => setTimeout(r, 20));
    const rec = writeRecovery(file, newProject({ name: 'edited' }));
    expect(rec.recoveryPath.startsWith(join(configDir(), 'recovery'))).toBe(true);
    expect(openProjectFile(file).project.name).toBe('saved');
    expect(openProjectFile(file).recovery?.path).toBe(rec.recoveryPath);
    expect(readRecovery(file).project?.name).toBe('edited');
    saveProjectFile(file, readRecovery(file).project ?? newProject());
    expect(existsSync(rec.recoveryPath)).toBe(false);
    expect(openProjectFile(file).recovery).toBeUndefined();
    // The untitled project has its own copy.
    writeRecovery(null, newProject({ name: 'untitled work' }));
    expect(readRecovery(null).project?.name).toBe('untitled work');
    expect(discardRecovery(null)).toBe(true);
    expect(discardRecovery(null)).toBe(false);
  });

  it('recent list: newest first, no duplicates, persisted in the config dir; damaged list reads as empty', () => {
    const a = join(dir, 'a.convlab');
    const b = join(dir, 'b.convlab');
    saveProjectFile(a, newProject({ name: 'A' }), { now: 1 });
    saveProjectFile(b, newProject({ name: 'B' }), { now: 2 });
    openProjectFile(a);
    expect(readRecent().map((r) => r.name)).toEqual(['A', 'B']);
    expect(JSON.parse(readFileSync(join(configDir(), 'recent.json'), 'utf8'))).toHaveLength(2);
    writeFileSync(join(configDir(), 'recent.json'), '{oops');
    expect(readRecent()).toEqual([]);
  });

  it('lists the .convlab files of a folder for the picker, newest first', () => {
    process.env.CONVLAB_PROJECTS_DIR = join(dir, 'ConvLab');
    expect(listProjects()).toEqual({ dir: join(dir, 'ConvLab'), entries: [] });
    saveProjectFile(join(projectsDir(), 'one.convlab'), newProject(), { now: 1 });
    writeFileSync(join(projectsDir(), 'notes.txt'), 'x');
    const l = listProjects();
    expect(l.entries.map((e) => e.file)).toEqual(['one.convlab']);
    expect(l.entries[0].size).toBeGreaterThan(100);
    expect(() => listProjects(join(projectsDir(), 'notes.txt'))).toThrow(/not a folder/);
  });

  it('config, projects and runs folders follow their environment overrides', () => {
    delete process.env.CONVLAB_CONFIG_DIR;
    process.env.XDG_CONFIG_HOME = join(dir, 'xdg');
    expect(configDir()).toBe(join(dir, 'xdg', 'convlab'));
    process.env.CONVLAB_CONFIG_DIR = join(dir, 'own');
    expect(configDir()).toBe(join(dir, 'own'));
    process.env.CONVLAB_PROJECTS_DIR = join(dir, 'P');
    delete process.env.CONVLAB_RUNS_DIR;
    expect(runsDir()).toBe(join(dir, 'P', 'runs'));
  });
});
