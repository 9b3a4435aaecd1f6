/**
 * `featuremaps`: one forward pass of one dataset sample, returning every conv layer's output
 * channels as small byte images ("what each filter sees"), plus the class probabilities. Runs in a
 * worker (the `model.featureMaps` method starts it and waits) so a large model never blocks main.
 */
import { Rng, Tensor, compileGraph, initWeights, inferShapes, outputOf, runForward, shapeToString, singleFeed } from '../../../core/index';
import { datasetMethods } from '../../contract/datasets';
import { loadDataSource } from '../../data/sources';
import { mapImage, sampleImage, type ImageBytes } from '../../services/image-bytes';
import { defineJob } from '../job';
import { readModelInput } from './model-input';

const CONV_OPS = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'ConvTranspose2D']);

export interface FeatureMapLayer {
  node: string;
  op: string;
  shape: number[];
  channels: number;
  maps: (ImageBytes & { channel: number; min: number; max: number })[];
}

export interface FeatureMapsResult {
  model: string;
  sample: ImageBytes & { label: number; index: number };
  probabilities?: number[];
  layers: FeatureMapLayer[];
  initialised: boolean;
}

function softmax(v: Float32Array): number[] {
  const m = v.reduce((a, b) => Math.max(a, b), -Infinity);
  const e = Array.from(v, (x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export const featureMapsJob = defineJob({
  kind: 'featuremaps',
  summary: 'Runs one sample through a model and returns each conv layer\'s activation maps (small images).',
  params: datasetMethods['model.featureMaps'].params,
  run(p, ctx): FeatureMapsResult {
    const { graph, weights: given } = readModelInput(p, 'featuremaps');
    const split = loadDataSource(p.dataset);
    const ds = split[p.split];
    if (p.index >= ds.length) throw new Error(`featuremaps: ${p.dataset} ${p.split} has ${ds.length} samples; index ${p.index} is out of range`);
    const { info, errors } = inferShapes(graph, { batch: 1 });
    if (errors.length > 0) throw errors[0];
    const inputs = graph.nodes.filter((n) => n.op === 'Input');
    const want = inputs.length === 1 ? (info.get(inputs[0].name)?.outputShape.slice(1) ?? []) : [];
    if (inputs.length !== 1) throw new Error(`featuremaps: model "${graph.name}" has ${inputs.length} inputs; one image input is needed`);
    if (shapeToString(want) !== shapeToString(ds.sampleShape)) {
      throw new Error(`featuremaps: model "${graph.name}" takes ${shapeToString(want)} inputs but ${p.dataset} samples are ${shapeToString(ds.sampleShape)}`);
    }
    const weights = given ?? initWeights(graph, new Rng(1), { batch: 1 });
    const per = ds.sampleShape.reduce((a, b) => a * b, 1);
    const x = new Tensor([1, ...ds.sampleShape], ds.samples.slice(p.index * per, (p.index + 1) * per));
    const cg = compileGraph(graph);
    const tape = runForward(cg, weights, singleFeed(cg, x), { training: false, rng: new Rng(1) }, true);
    const layers: FeatureMapLayer[] = [];
    cg.nodes.forEach((c, i) => {
      const v = tape.values[i];
      if (!CONV_OPS.has(c.node.op) || !v) return;
      // [1, C, H, W]; 1D maps show as one row, 3D maps by their middle depth slice.
      const s = v.shape;
      const [h, w] = s.length === 3 ? [1, s[2]] : [s[s.length - 2], s[s.length - 1]];
      const depth = s.length === 5 ? s[2] : 1;
      const plane = h * w;
      const channels = Math.min(s[1], p.maxChannels);
      const maps = [];
      for (let ch = 0; ch < channels; ch++) {
        const offset = (ch * depth + Math.floor(depth / 2)) * plane;
        maps.push({ ...mapImage(v.data, offset, h, w, p.maxSize), channel: ch });
      }
      layers.push({ node: c.node.name, op: c.node.op, shape: s.slice(1), channels, maps });
    });
    ctx.progress(1, 1, `${layers.length} conv layer(s)`);
    const out = outputOf(cg, tape);
    return {
      model: graph.name,
      sample: { ...sampleImage(ds, p.index), label: ds.labels[p.index], index: p.index },
      probabilities: out.shape.length === 2 && out.shape[0] === 1 ? softmax(out.data) : undefined,
      layers,
      initialised: given === undefined,
    };
  },
});
