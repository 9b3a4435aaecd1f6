/**
 * Attributes a freshly dropped node starts with. The inspector edits the attributes a node has,
 * so defaults list the useful ones explicitly (stride, pads...) even where the op has a default.
 * Ops not listed start empty (they need no attributes, or parseAttrs fills them in).
 */
import type { RawAttrs } from '../../../../core/index';

const conv = { filters: 16, kernel: 3, stride: 1, pads: 0, dilation: 1, groups: 1, bias: true };
const pool = { kernel: 2, stride: 2, pads: 0 };

const DEFAULTS: Readonly<Record<string, RawAttrs>> = {
  Input: { shape: [1, 28, 28] },
  Conv1D: conv,
  Conv2D: conv,
  Conv3D: conv,
  ConvTranspose2D: { filters: 16, kernel: 2, stride: 2, pads: 0, bias: true },
  DepthwiseConv2D: { kernel: 3, stride: 1, pads: 1 },
  MaxPool2D: pool,
  AvgPool2D: pool,
  MaxPool3D: pool,
  AvgPool3D: pool,
  Dense: { units: 10, bias: true },
  Dropout: { rate: 0.5 },
  BatchNorm: { epsilon: 1e-5, momentum: 0.9 },
  Concat: { axis: 1 },
  Softmax: { axis: -1 },
  Flatten: { axis: 1 },
  LeakyReLU: { alpha: 0.01 },
  Reshape: { shape: [-1] },
  ChannelShuffle: { groups: 2 },
  GraphConv: { units: 16, bias: true },
};

export function defaultAttrs(op: string): RawAttrs {
  const d = DEFAULTS[op];
  if (!d) return {};
  const out: Record<string, RawAttrs[string]> = {};
  for (const [k, v] of Object.entries(d)) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}
