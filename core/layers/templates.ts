/** The template library: list them, build one by name with options. */
import type { ModelGraph } from '../graph/types';
import { c3d } from './c3d';
import { densenet } from './densenet';
import { gcn } from './gcn';
import { highway } from './highway';
import { inception } from './inception';
import { lenet5 } from './lenet5';
import { mobilenet } from './mobilenet';
import { resnetBasic, resnetBottleneck } from './resnet-blocks';
import { resnetNonLocal } from './resnet-nonlocal';
import { resnet8 } from './resnet8';
import { resnext } from './resnext';
import { shufflenet } from './shufflenet';
import { resolveOptions, TemplateError, type Template, type TemplateInfo, type TemplateOptions } from './template';
import { vggSmall } from './vgg-small';
import { vggStack } from './vgg-stack';

const all: readonly Template[] = [
  lenet5,
  vggSmall,
  vggStack,
  inception,
  resnetBasic,
  resnetBottleneck,
  resnet8,
  highway,
  densenet,
  resnext,
  mobilenet,
  shufflenet,
  c3d,
  gcn,
  resnetNonLocal,
];

function info(t: Template): TemplateInfo {
  const first = { name: t.inputName ?? 'input', shape: [...t.input] };
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    input: [...t.input],
    inputs: [first, ...(t.extraInputs ?? []).map((i) => ({ name: i.name, shape: [...i.shape] }))],
    options: t.options.map((o) => ({ ...o })),
  };
}

export function listTemplates(): TemplateInfo[] {
  return all.map(info);
}

export function hasTemplate(name: string): boolean {
  return all.some((t) => t.name === name);
}

/** Build a template's graph; throws a TemplateError for an unknown name or a bad option. */
export function buildTemplate(name: string, options: TemplateOptions = {}): ModelGraph {
  const t = all.find((x) => x.name === name);
  if (!t) throw new TemplateError(`unknown template "${name}" (templates: ${all.map((x) => x.name).join(', ')})`);
  return t.build(resolveOptions(t, options));
}
