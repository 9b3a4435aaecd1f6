/**
 * Handlers for `dataset.*`: the bundled MNIST plus user sources remembered in
 * <config>/datasets.json, previews as byte images. Loading goes through the loaders
 * (main/data/sources.ts) so their clear errors (missing files, truncated batches, bad magic)
 * reach the UI unchanged. The last loaded source is kept in memory so paging a preview is cheap.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { classCounts, type Split } from '../../core/index';
import { datasetInfo } from '../contract/datasets';
import { ContractFailure } from '../contract/dispatch';
import type { DatasetInfo, Handlers } from '../contract/types';
import { loadDataSource } from '../data/sources';
import { writeFileDurable } from '../projects/atomic';
import { configDir } from '../projects/paths';
import { sampleImage } from './image-bytes';

type DatasetHandlers = Pick<Handlers, 'dataset.list' | 'dataset.add' | 'dataset.remove' | 'dataset.preview'>;

const SOURCES_FILE = 'datasets.json';
const KINDS = ['idx', 'cifar', 'folder'] as const;

let last: { spec: string; split: Split } | undefined;

function kindOf(spec: string): DatasetInfo['kind'] {
  if (spec === 'mnist') return 'mnist';
  const kind = spec.slice(0, Math.max(0, spec.indexOf(':')));
  const known = KINDS.find((k) => k === kind);
  if (!known) throw new ContractFailure('invalid-params', `unknown data source "${spec}" (use mnist, idx:<dir>, cifar:<dir> or folder:<dir>)`);
  return known;
}

/** Checks the spec's folder before the loader runs, so a typo gets a short, clear message. */
function checkDir(spec: string): void {
  if (spec === 'mnist') return;
  const dir = spec.slice(spec.indexOf(':') + 1);
  if (!isAbsolute(dir)) throw new ContractFailure('failed', `${spec}: the folder must be an absolute path`);
  if (!existsSync(dir)) throw new ContractFailure('failed', `${spec}: no such folder ${dir}`);
  if (!statSync(dir).isDirectory()) throw new ContractFailure('failed', `${spec}: ${dir} is a file, not a folder`);
}

/** Loads (or reuses the last loaded) source; `fresh` re-reads the files. */
export function loadSplit(spec: string, fresh = false): Split {
  kindOf(spec);
  if (!fresh && last?.spec === spec) return last.split;
  checkDir(spec);
  let split: Split;
  try {
    split = loadDataSource(spec);
  } catch (e) {
    throw new ContractFailure('failed', e instanceof Error ? e.message : String(e));
  }
  last = { spec, split };
  return split;
}

function infoOf(spec: string, split?: Split): DatasetInfo {
  const kind = kindOf(spec);
  const label = kind === 'mnist' ? 'MNIST digits (bundled, 10,000 images)' : `${kind === 'idx' ? 'IDX' : kind === 'cifar' ? 'CIFAR-10' : 'Image folder'}: ${spec.slice(spec.indexOf(':') + 1)}`;
  const base: DatasetInfo = { spec, kind, label, builtin: kind === 'mnist' };
  if (!split) return base;
  return {
    ...base,
    sampleShape: [...split.train.sampleShape],
    classNames: [...split.train.classNames],
    sizes: { train: split.train.length, val: split.val.length, test: split.test.length },
  };
}

function sourcesFile(): string {
  return join(configDir(), SOURCES_FILE);
}

/** The remembered user sources (a damaged file reads as none). */
export function readSources(): DatasetInfo[] {
  try {
    const raw: unknown = JSON.parse(readFileSync(sourcesFile(), 'utf8'));
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((e: unknown) => {
      const parsed = datasetInfo.safeParse(e);
      return parsed.success && parsed.data.kind !== 'mnist' ? [parsed.data] : [];
    });
  } catch {
    return [];
  }
}

function writeSources(list: DatasetInfo[]): void {
  writeFileDurable(sourcesFile(), JSON.stringify(list, null, 1));
}

export function datasetHandlers(): DatasetHandlers {
  return {
    'dataset.list': async () => [infoOf('mnist', last?.spec === 'mnist' ? last.split : undefined), ...readSources()],
    'dataset.add': async (p) => {
      if (p.spec === 'mnist') return infoOf('mnist', loadSplit('mnist'));
      const info = infoOf(p.spec, loadSplit(p.spec, true));
      writeSources([info, ...readSources().filter((s) => s.spec !== p.spec)]);
      return info;
    },
    'dataset.remove': async (p) => {
      const list = readSources();
      const keep = list.filter((s) => s.spec !== p.spec);
      if (keep.length !== list.length) writeSources(keep);
      return { removed: keep.length !== list.length };
    },
    'dataset.preview': async (p) => {
      const split = loadSplit(p.spec);
      const ds = split[p.split];
      const end = Math.min(ds.length, p.offset + p.count);
      const samples = [];
      for (let i = p.offset; i < end; i++) samples.push({ ...sampleImage(ds, i), index: i, label: ds.labels[i] });
      return {
        spec: p.spec,
        name: ds.name,
        split: p.split,
        sampleShape: [...ds.sampleShape],
        classNames: [...ds.classNames],
        sizes: { train: split.train.length, val: split.val.length, test: split.test.length },
        classCounts: classCounts(ds),
        samples,
      };
    },
  };
}
