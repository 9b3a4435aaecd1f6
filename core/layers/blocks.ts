/**
 * Reusable building blocks, written on the GraphBuilder so they are plain graphs of ops
 * (composites need no backward of their own). Each takes a name prefix, its input node and the
 * input channel count, and returns the output node and its channel count.
 */
import type { GraphBuilder } from '../graph/builder';

export interface Out {
  x: string;
  channels: number;
}

/** Conv (no bias: BatchNorm follows) + BatchNorm (+ ReLU). `same` padding at stride 1; pads k/2 otherwise. */
export function convBn(
  b: GraphBuilder,
  name: string,
  x: string,
  filters: number,
  kernel: number,
  opts: { stride?: number; groups?: number; relu?: boolean } = {},
): string {
  const stride = opts.stride ?? 1;
  const c = b.conv2d(name, x, { filters, kernel, stride, pads: Math.floor(kernel / 2), groups: opts.groups, bias: false });
  const n = b.batchNorm(`${name}_bn`, c);
  return opts.relu === false ? n : b.relu(`${name}_relu`, n);
}

/** Classifier head: global average pool, flatten, Dense(classes). */
export function head(b: GraphBuilder, x: string, classes: number, prefix = 'head'): string {
  const g = b.globalAvgPool(`${prefix}_gap`, x);
  const f = b.flatten(`${prefix}_flatten`, g);
  return b.dense(`${prefix}_fc`, f, classes);
}

/** The shortcut of a residual block: identity, or a 1x1 projection + BN when shape changes. */
function shortcut(b: GraphBuilder, p: string, x: string, inC: number, outC: number, stride: number): string {
  if (inC === outC && stride === 1) return x;
  return convBn(b, `${p}_proj`, x, outC, 1, { stride, relu: false });
}

/** ResNet basic block (He et al. 2016): 3x3 conv-BN-ReLU, 3x3 conv-BN, + shortcut, ReLU. */
export function basicBlock(b: GraphBuilder, p: string, x: string, inC: number, outC: number, stride = 1): Out {
  const c1 = convBn(b, `${p}_conv1`, x, outC, 3, { stride });
  const c2 = convBn(b, `${p}_conv2`, c1, outC, 3, { relu: false });
  const sum = b.add(`${p}_add`, [c2, shortcut(b, p, x, inC, outC, stride)]);
  return { x: b.relu(`${p}_out`, sum), channels: outC };
}

/** ResNet bottleneck block: 1x1 reduce, 3x3 (carries the stride), 1x1 expand (x4), + shortcut, ReLU. */
export function bottleneckBlock(b: GraphBuilder, p: string, x: string, inC: number, width: number, stride = 1, expansion = 4): Out {
  const outC = width * expansion;
  const c1 = convBn(b, `${p}_reduce`, x, width, 1);
  const c2 = convBn(b, `${p}_conv3x3`, c1, width, 3, { stride });
  const c3 = convBn(b, `${p}_expand`, c2, outC, 1, { relu: false });
  const sum = b.add(`${p}_add`, [c3, shortcut(b, p, x, inC, outC, stride)]);
  return { x: b.relu(`${p}_out`, sum), channels: outC };
}

/** ResNeXt block: 1x1 to cardinality*width, grouped 3x3 (groups = cardinality), 1x1 back, + shortcut. */
export function resnextBlock(b: GraphBuilder, p: string, x: string, inC: number, outC: number, cardinality: number, width: number, stride = 1): Out {
  const inner = cardinality * width;
  const c1 = convBn(b, `${p}_reduce`, x, inner, 1);
  const c2 = convBn(b, `${p}_grouped`, c1, inner, 3, { stride, groups: cardinality });
  const c3 = convBn(b, `${p}_expand`, c2, outC, 1, { relu: false });
  const sum = b.add(`${p}_add`, [c3, shortcut(b, p, x, inC, outC, stride)]);
  return { x: b.relu(`${p}_out`, sum), channels: outC };
}

/** MobileNet depthwise-separable block: depthwise KxK (groups = M) + BN + ReLU, pointwise 1x1 to N + BN + ReLU. */
export function separableBlock(b: GraphBuilder, p: string, x: string, inC: number, outC: number, kernel = 3, stride = 1): Out {
  const dw = convBn(b, `${p}_depthwise`, x, inC, kernel, { stride, groups: inC });
  return { x: convBn(b, `${p}_pointwise`, dw, outC, 1), channels: outC };
}

/**
 * ShuffleNet v1 unit: grouped 1x1 (to out/4) + BN + ReLU, channel shuffle, depthwise 3x3 + BN,
 * grouped 1x1 + BN; stride 1 adds the input, stride 2 concatenates a 3x3 average-pooled input.
 */
export function shuffleUnit(b: GraphBuilder, p: string, x: string, inC: number, outC: number, groups: number, stride = 1): Out {
  const branchOut = stride === 1 ? outC : outC - inC;
  const mid = Math.max(groups, Math.round(outC / 4 / groups) * groups);
  const g1 = convBn(b, `${p}_gconv1`, x, mid, 1, { groups });
  const sh = b.channelShuffle(`${p}_shuffle`, g1, groups);
  const dw = convBn(b, `${p}_depthwise`, sh, mid, 3, { stride, groups: mid, relu: false });
  const g2 = convBn(b, `${p}_gconv2`, dw, branchOut, 1, { groups, relu: false });
  if (stride === 1) return { x: b.relu(`${p}_out`, b.add(`${p}_add`, [g2, x])), channels: outC };
  const pool = b.avgPool2d(`${p}_pool`, x, { kernel: 3, stride: 2, pads: 1 });
  return { x: b.relu(`${p}_out`, b.concat(`${p}_concat`, [g2, pool])), channels: outC };
}

/** DenseNet(-BC) block: each layer BN-ReLU-(1x1 to 4k)-BN-ReLU-3x3 to k, concatenated onto everything before it. */
export function denseBlock(b: GraphBuilder, p: string, x: string, inC: number, layers: number, growth: number, bottleneck = true): Out {
  let features = x;
  let channels = inC;
  for (let i = 1; i <= layers; i++) {
    const l = `${p}_layer${i}`;
    let h = b.relu(`${l}_relu1`, b.batchNorm(`${l}_bn1`, features));
    if (bottleneck) {
      h = b.conv2d(`${l}_conv1x1`, h, { filters: 4 * growth, kernel: 1, bias: false });
      h = b.relu(`${l}_relu2`, b.batchNorm(`${l}_bn2`, h));
    }
    h = b.conv2d(`${l}_conv3x3`, h, { filters: growth, kernel: 3, pads: 1, bias: false });
    features = b.concat(`${l}_concat`, [features, h]);
    channels += growth;
  }
  return { x: features, channels };
}
