/**
 * Where ConvLab keeps its own files. Each has an environment override, so tests (and users with
 * unusual setups) can point it elsewhere:
 * - config dir  CONVLAB_CONFIG_DIR, else $XDG_CONFIG_HOME/convlab, else ~/.config/convlab
 *               (recent.json, datasets.json, recovery/ autosave copies)
 * - projects    CONVLAB_PROJECTS_DIR, else ~/ConvLab (the browser picker's default folder)
 * - runs        CONVLAB_RUNS_DIR, else <projects>/runs (training run directories)
 * Read on every call, never cached, so a test can change them between cases.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function configDir(): string {
  const own = process.env.CONVLAB_CONFIG_DIR;
  if (own) return own;
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.config'), 'convlab');
}

export function projectsDir(): string {
  return process.env.CONVLAB_PROJECTS_DIR || join(homedir(), 'ConvLab');
}

export function runsDir(): string {
  return process.env.CONVLAB_RUNS_DIR || join(projectsDir(), 'runs');
}

export const PROJECT_EXT = '.convlab';
