/**
 * The contract's TypeScript types. The renderer imports from here with `import type` only,
 * so no schema code reaches its bundle.
 */
import type { z } from 'zod';
import type { events } from './events';
import type { jobError, jobErrorCode, jobProgress, jobRecord, jobState } from './jobs';
import type { methods } from './methods';
import type { datasetInfo } from './datasets';
import type { projectDoc, projectRun, trainingSettings } from './projects';
import type { EventName, MethodName } from './names';
import type { contractError, contractErrorCode } from './wire';

export type { EventName, MethodName } from './names';

export type Params<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ParsedParams<M extends MethodName> = z.output<(typeof methods)[M]['params']>;
export type Result<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export type JobState = z.output<typeof jobState>;
export type JobErrorCode = z.output<typeof jobErrorCode>;
export type JobError = z.output<typeof jobError>;
export type JobProgress = z.output<typeof jobProgress>;
export type JobRecord = z.output<typeof jobRecord>;

export type ProjectDoc = z.output<typeof projectDoc>;
export type ProjectRun = z.output<typeof projectRun>;
export type TrainingSettings = z.output<typeof trainingSettings>;
export type DatasetInfo = z.output<typeof datasetInfo>;

export type ContractErrorCode = z.output<typeof contractErrorCode>;
export type ContractError = z.output<typeof contractError>;

export interface RequestMessage {
  type: 'request';
  id: number | string;
  method: string;
  params?: unknown;
}

export type ResponseMessage =
  | { type: 'response'; id: number | string | null; ok: true; result: unknown }
  | { type: 'response'; id: number | string | null; ok: false; error: ContractError };

export type EventMessage = { [E in EventName]: { type: 'event'; event: E; payload: EventPayload<E> } }[EventName];

export type ServerMessage = ResponseMessage | EventMessage;

/** What the main side implements: one async handler per method, given validated params. */
export type Handlers = { [M in MethodName]: (params: ParsedParams<M>) => Promise<Result<M>> };
