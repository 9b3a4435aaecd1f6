/**
 * Project files on disk: open (validated), save / save-as (durable atomic writes), the recovery
 * copies that autosave writes into the config dir, the recent-projects list and the folder
 * listing the browser host's picker uses. No Electron here: a native open/save dialog belongs in
 * main/electron/ and should hand its chosen path to these same functions.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { graphToJson, parseGraphJson } from '../../core/index';
import type { ProjectDoc } from '../contract/types';
import { writeFileDurable, type AtomicHooks } from './atomic';
import { checkProject, parseProject, ProjectError, serializeProject } from './format';
import { configDir, PROJECT_EXT, projectsDir } from './paths';

export interface RecentEntry {
  path: string;
  name: string;
  openedAt: number;
}

const RECENT_FILE = 'recent.json';
const RECENT_MAX = 12;

export function checkPath(path: string): string {
  if (!isAbsolute(path)) throw new ProjectError(`project path must be absolute, got "${path}"`);
  if (extname(path) !== PROJECT_EXT) throw new ProjectError(`project files end in ${PROJECT_EXT}: "${path}"`);
  return resolve(path);
}

export function openProjectFile(path: string): { project: ProjectDoc; recovery?: { path: string; savedAt: number } } {
  const file = checkPath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : '';
    throw new ProjectError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${e instanceof Error ? e.message : String(e)})`);
  }
  const { project } = parseProject(text, file);
  touchRecent(file, project.name);
  const rec = recoveryPath(file);
  if (existsSync(rec) && statSync(rec).mtimeMs > statSync(file).mtimeMs) return { project, recovery: { path: rec, savedAt: statSync(rec).mtimeMs } };
  return { project };
}

/** The weights of a training run directory (its model.json), for attaching to a project. */
export function runWeightsModel(runDir: string, project: ProjectDoc): ProjectDoc['model'] {
  const file = join(runDir, 'model.json');
  if (!existsSync(file)) throw new ProjectError(`${runDir}: no model.json (not a finished training run)`);
  const run = parseGraphJson(readFileSync(file, 'utf8'));
  if (!run.weights) throw new ProjectError(`${file}: holds no trained weights (the run did not complete)`);
  const own = parseGraphJson(JSON.stringify(project.model)).graph;
  if (run.graph.name !== own.name || run.graph.nodes.length !== own.nodes.length) {
    throw new ProjectError(`${file}: the run trained model "${run.graph.name}" (${run.graph.nodes.length} nodes), not this project's "${own.name}" (${own.nodes.length} nodes)`);
  }
  const parsed: unknown = JSON.parse(graphToJson(own, run.weights));
  return checkProject({ ...project, model: parsed }, file).project.model;
}

export interface SaveOptions {
  weightsFromRun?: string;
  /** False: refuse an existing file. */
  overwrite?: boolean;
  hooks?: AtomicHooks;
  now?: number;
}

export function saveProjectFile(path: string, doc: ProjectDoc, opts: SaveOptions = {}): { path: string; bytes: number; savedAt: number; project: ProjectDoc } {
  const file = checkPath(path);
  if (opts.overwrite === false && existsSync(file)) throw new ProjectError(`${file} already exists (save with overwrite to replace it)`);
  const savedAt = opts.now ?? Date.now();
  let project: ProjectDoc = { ...doc, updatedAt: savedAt };
  if (opts.weightsFromRun) project = { ...project, model: runWeightsModel(opts.weightsFromRun, project) };
  project = checkProject(project, file).project;
  const bytes = writeFileDurable(file, serializeProject(project), opts.hooks);
  rmSync(recoveryPath(file), { force: true });
  touchRecent(file, project.name, savedAt);
  return { path: file, bytes, savedAt, project };
}

/** The recovery copy for a project (null = the untitled project) lives in <config>/recovery/. */
export function recoveryPath(path: string | null): string {
  const key = path === null ? 'untitled' : `${basename(path, PROJECT_EXT).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}-${createHash('sha256').update(resolve(path)).digest('hex').slice(0, 12)}`;
  return join(configDir(), 'recovery', `${key}${PROJECT_EXT}`);
}

export function writeRecovery(path: string | null, doc: ProjectDoc): { recoveryPath: string; savedAt: number } {
  const file = recoveryPath(path === null ? null : checkPath(path));
  const project = checkProject(doc, 'autosave').project;
  writeFileDurable(file, serializeProject(project));
  return { recoveryPath: file, savedAt: statSync(file).mtimeMs };
}

export function readRecovery(path: string | null): { recoveryPath: string; savedAt?: number; project?: ProjectDoc } {
  const file = recoveryPath(path === null ? null : checkPath(path));
  if (!existsSync(file)) return { recoveryPath: file };
  const { project } = parseProject(readFileSync(file, 'utf8'), file);
  return { recoveryPath: file, savedAt: statSync(file).mtimeMs, project };
}

export function discardRecovery(path: string | null): boolean {
  const file = recoveryPath(path === null ? null : checkPath(path));
  if (!existsSync(file)) return false;
  rmSync(file);
  return true;
}

function recentFile(): string {
  return join(configDir(), RECENT_FILE);
}

/** The stored list; a damaged recent.json reads as empty (it is only a convenience). */
export function readRecent(): RecentEntry[] {
  try {
    const raw: unknown = JSON.parse(readFileSync(recentFile(), 'utf8'));
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (e): e is RecentEntry => typeof e === 'object' && e !== null && typeof e.path === 'string' && typeof e.name === 'string' && typeof e.openedAt === 'number',
    );
  } catch {
    return [];
  }
}

/** Records a project as opened/saved now. Best effort: an unwritable config dir never fails a save or an open. */
export function touchRecent(path: string, name: string, at = Date.now()): void {
  const list = [{ path, name, openedAt: at }, ...readRecent().filter((e) => e.path !== path)].slice(0, RECENT_MAX);
  try {
    writeFileDurable(recentFile(), JSON.stringify(list, null, 1));
  } catch {
    // the recent list is a convenience; the project file itself was handled
  }
}

export function listProjects(dir = projectsDir()): { dir: string; entries: { path: string; file: string; size: number; modifiedAt: number }[] } {
  const root = resolve(dir);
  if (!existsSync(root)) return { dir: root, entries: [] };
  if (!statSync(root).isDirectory()) throw new ProjectError(`${root} is not a folder`);
  const entries = readdirSync(root)
    .filter((f) => extname(f) === PROJECT_EXT && !f.startsWith('.'))
    .map((f) => {
      const st = statSync(join(root, f));
      return { path: join(root, f), file: f, size: st.size, modifiedAt: st.mtimeMs };
    })
    .filter((e) => e.size >= 0)
    .sort((a, b) => b.modifiedAt - a.modifiedAt);
  return { dir: root, entries };
}
