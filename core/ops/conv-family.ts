/** Convolution and pooling ops (hot kernels with hand-written backward). Listed, not side-effect registered. */
import type { OpDef } from './types';

export const convFamily: readonly OpDef[] = [];
