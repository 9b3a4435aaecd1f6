/** Activations, normalisation, dense, structure, graph and attention ops. */
import { add } from './add';
import { batchNorm } from './batch-norm';
import { channelShuffle } from './channel-shuffle';
import { concat } from './concat';
import { dense } from './dense';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { gelu } from './gelu';
import { graphConv } from './graph-conv';
import { identity } from './identity';
import { leakyRelu } from './leaky-relu';
import { lrn } from './lrn';
import { mul } from './mul';
import { nodeMeanPool } from './node-mean-pool';
import { nonLocal } from './non-local';
import { relu } from './relu';
import { reshape } from './reshape';
import { sigmoid } from './sigmoid';
import { softmax } from './softmax';
import { tanh } from './tanh';
import type { OpDef } from './types';

export const basicFamily: readonly OpDef[] = [
  relu,
  leakyRelu,
  sigmoid,
  tanh,
  gelu,
  softmax,
  identity,
  batchNorm,
  dropout,
  dense,
  flatten,
  concat,
  add,
  mul,
  reshape,
  channelShuffle,
  lrn,
  graphConv,
  nodeMeanPool,
  nonLocal,
];
