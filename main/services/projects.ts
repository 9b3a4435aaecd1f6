/** Handlers for the `project.*` methods (see main/contract/projects.ts); the work is in main/projects/. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ContractFailure } from '../contract/dispatch';
import type { Handlers } from '../contract/types';
import { writeFileDurable } from '../projects/atomic';
import { newProject, ProjectError } from '../projects/format';
import { configDir } from '../projects/paths';
import { discardRecovery, listProjects, openProjectFile, readRecent, readRecovery, saveProjectFile, writeRecovery } from '../projects/store';

type ProjectHandlers = Pick<
  Handlers,
  | 'project.startup'
  | 'project.new'
  | 'project.open'
  | 'project.save'
  | 'project.saveAs'
  | 'project.autosave'
  | 'project.recovery'
  | 'project.discardRecovery'
  | 'project.recent'
  | 'project.list'
>;

const FIRST_RUN_MARKER = 'first-run.json';

/** Project errors (corrupt file, bad path, exists) reach the UI as 'failed' with the reason. */
async function guard<T>(work: () => T): Promise<T> {
  try {
    return work();
  } catch (e) {
    if (e instanceof ProjectError) throw new ContractFailure('failed', e.message);
    const code = e instanceof Error && 'code' in e ? String(e.code) : '';
    if (code) throw new ContractFailure('failed', e instanceof Error ? e.message : String(e));
    throw e;
  }
}

export function projectHandlers(): ProjectHandlers {
  return {
    'project.startup': () =>
      guard(() => {
        const marker = join(configDir(), FIRST_RUN_MARKER);
        const notes: string[] = [];
        for (const r of readRecent()) {
          if (!existsSync(r.path)) continue;
          try {
            const opened = openProjectFile(r.path);
            return { ...opened, path: r.path, firstRun: false };
          } catch (e) {
            notes.push(e instanceof Error ? e.message : String(e));
          }
        }
        const firstRun = !existsSync(marker);
        if (firstRun) writeFileDurable(marker, JSON.stringify({ firstRunAt: Date.now() }));
        const note = notes.length > 0 ? `recent projects could not be opened: ${notes.join('; ')}` : undefined;
        return { path: null, project: newProject(), firstRun, ...(note ? { note } : {}) };
      }),
    'project.new': (p) => guard(() => ({ path: null, project: newProject({ name: p.name, template: p.template, dataset: p.dataset }) })),
    'project.open': (p) => guard(() => ({ path: p.path, ...openProjectFile(p.path) })),
    'project.save': (p) => guard(() => saveProjectFile(p.path, p.project, { weightsFromRun: p.weightsFromRun })),
    'project.saveAs': (p) => guard(() => saveProjectFile(p.path, p.project, { weightsFromRun: p.weightsFromRun, overwrite: p.overwrite })),
    'project.autosave': (p) => guard(() => writeRecovery(p.path, p.project)),
    'project.recovery': (p) => guard(() => readRecovery(p.path)),
    'project.discardRecovery': (p) => guard(() => ({ removed: discardRecovery(p.path) })),
    'project.recent': () => guard(() => readRecent().map((r) => ({ ...r, exists: existsSync(r.path) }))),
    'project.list': (p) => guard(() => listProjects(p.dir)),
  };
}
