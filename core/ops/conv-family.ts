/** Convolution and pooling ops (hot kernels with hand-written backward). Listed, not side-effect registered. */
import { blurPool, maxBlurPool } from './blur-pool';
import { conv1d, conv2d, conv3d } from './conv';
import { convTranspose2d } from './conv-transpose';
import { globalAvgPool } from './global-avg-pool';
import { avgPool1d, avgPool2d, avgPool3d, maxPool1d, maxPool2d, maxPool3d } from './pool';
import type { OpDef } from './types';

export const convFamily: readonly OpDef[] = [
  conv1d,
  conv2d,
  conv3d,
  convTranspose2d,
  maxPool1d,
  maxPool2d,
  maxPool3d,
  avgPool1d,
  avgPool2d,
  avgPool3d,
  globalAvgPool,
  blurPool,
  maxBlurPool,
];
