/** Ops that ONNX import needs beyond the lecture's units: extra activations, elementwise math, data movement, constants. */
import { abs } from './abs';
import { constant } from './const';
import { div } from './div';
import { elu } from './elu';
import { embedding } from './embedding';
import { exp } from './exp';
import { logSoftmax } from './log-softmax';
import { matmul } from './matmul';
import { neg } from './neg';
import { pad } from './pad';
import { prelu } from './prelu';
import { selu } from './selu';
import { slice } from './slice';
import { softplus } from './softplus';
import { softsign } from './softsign';
import { stridedSlice } from './strided-slice';
import { sub } from './sub';
import { transpose } from './transpose';
import type { OpDef } from './types';

export const interopFamily: readonly OpDef[] = [
  prelu,
  elu,
  selu,
  softplus,
  softsign,
  logSoftmax,
  neg,
  exp,
  abs,
  sub,
  div,
  pad,
  transpose,
  slice,
  constant,
  matmul,
  embedding,
  stridedSlice,
];
