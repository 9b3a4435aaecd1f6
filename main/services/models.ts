/** Handler for `model.featureMaps`: runs the `featuremaps` job in the pool and returns its result. */
import { datasetMethods } from '../contract/datasets';
import { ContractFailure } from '../contract/dispatch';
import type { Handlers } from '../contract/types';
import type { JobPool } from '../pool/pool';

export function modelHandlers(app: { pool: JobPool }): Pick<Handlers, 'model.featureMaps'> {
  return {
    'model.featureMaps': async (p) => {
      const rec = await app.pool.wait(app.pool.start('featuremaps', p));
      if (rec.state !== 'succeeded') throw new ContractFailure('failed', rec.error?.message ?? `feature maps ${rec.state}`);
      return datasetMethods['model.featureMaps'].result.parse(rec.result);
    },
  };
}
