/**
 * The names of every contract method and event, with no schema library attached, so the
 * sandboxed preload can import them cheaply. methods.ts / events.ts must define exactly these.
 */
export const METHOD_NAMES = [
  'app.ping',
  'system.doctor',
  'jobs.kinds',
  'jobs.start',
  'jobs.cancel',
  'jobs.get',
  'jobs.list',
  'jobs.pause',
  'jobs.resume',
  'project.startup',
  'project.new',
  'project.open',
  'project.save',
  'project.saveAs',
  'project.autosave',
  'project.recovery',
  'project.discardRecovery',
  'project.recent',
  'project.list',
  'dataset.list',
  'dataset.add',
  'dataset.remove',
  'dataset.preview',
  'model.featureMaps',
  'model.runWeights',
] as const;

export const EVENT_NAMES = ['job.progress', 'job.state', 'log'] as const;

export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

export function isMethodName(name: string): name is MethodName {
  return METHOD_NAMES.some((m) => m === name);
}

/** Electron IPC channels (the only two). */
export const IPC_REQUEST = 'convlab:request';
export const IPC_EVENT = 'convlab:event';
