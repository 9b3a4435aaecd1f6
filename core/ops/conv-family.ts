/** Convolution and pooling ops (hot kernels with hand-written backward). Listed, not side-effect registered. */
import { conv1d, conv2d, conv3d } from './conv';
import type { OpDef } from './types';

export const convFamily: readonly OpDef[] = [conv1d, conv2d, conv3d];
