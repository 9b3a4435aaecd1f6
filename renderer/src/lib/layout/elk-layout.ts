/** Automatic layered layout with ELK, run in ELK's own web worker so the UI thread stays free. */
import ElkConstructor, { type ELK } from 'elkjs/lib/elk-api';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { ModelGraph } from '../../../../core/index';
import { applyElk, toElkGraph } from './elk-graph';

let elk: ELK | undefined;

export async function layoutGraph(graph: ModelGraph): Promise<ModelGraph> {
  elk ??= new ElkConstructor({ workerUrl });
  const laid = await elk.layout(toElkGraph(graph));
  return applyElk(graph, laid);
}
