/**
 * The pool's job table. Adding a job kind = one file in this folder exporting a `JobKind`
 * (see ../job.ts, built with defineJob) plus one line in this list. The worker bundle and the
 * main process both import this table: main validates params, the worker runs the job.
 */
import type { JobKind } from '../job';
import { exportJob } from './export';
import { featureMapsJob } from './feature-maps';
import { selftestJob } from './selftest';
import { trainJob } from './train';

export const jobKinds: readonly JobKind[] = [
  selftestJob,
  trainJob,
  exportJob,
  featureMapsJob,
];

export function findJobKind(kind: string): JobKind | undefined {
  return jobKinds.find((j) => j.kind === kind);
}
