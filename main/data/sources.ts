/**
 * `--data` specs to a train/validation/test split: `mnist` (bundled), `idx:<dir>`, `cifar:<dir>`,
 * `folder:<dir>`. A source with its own test set keeps it and takes validation from training;
 * otherwise 10% validation and 10% test are split off. Splits use a fixed seed, so the held-out
 * data does not change with the training seed.
 */
import { splitDataset, subset, Rng, type Split } from '../../core/index';
import { loadCifarFolder } from './cifar';
import { loadIdxFolder } from './idx';
import { loadImageFolder } from './image-folder';
import { bundledMnistSplit } from './mnist';

export const SPLIT_SEED = 1_234_567;

function withTest(train: Split['train'], test: Split['test'] | undefined): Split {
  if (!test) return splitDataset(train, { val: 0.1, test: 0.1 }, SPLIT_SEED);
  const order = new Rng(SPLIT_SEED).shuffle(Array.from({ length: train.length }, (_, i) => i));
  const nVal = Math.round(train.length * 0.1);
  return { train: subset(train, order.slice(nVal), `${train.name}`), val: subset(train, order.slice(0, nVal), `${train.name}/val`), test };
}

export function loadDataSource(spec: string): Split {
  if (spec === 'mnist') return bundledMnistSplit();
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const dir = spec.slice(colon + 1);
  if (kind === 'idx') {
    const d = loadIdxFolder(dir);
    return withTest(d.train, d.test);
  }
  if (kind === 'cifar') {
    const d = loadCifarFolder(dir);
    return withTest(d.train, d.test);
  }
  if (kind === 'folder') return withTest(loadImageFolder(dir), undefined);
  throw new Error(`unknown data source "${spec}" (use mnist, idx:<dir>, cifar:<dir> or folder:<dir>)`);
}
