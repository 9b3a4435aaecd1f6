/**
 * What a template is: a named, parameterised graph with documented options. Options are
 * checked (unknown names, wrong types, values outside a choice list) before `build` sees them.
 */
import type { ModelGraph } from '../graph/types';

export type OptionValue = number | string | boolean;
export type TemplateOptions = Readonly<Record<string, OptionValue>>;

export interface TemplateOption {
  name: string;
  default: OptionValue;
  /** Allowed values for string options. */
  choices?: readonly string[];
  /** Smallest allowed value for number options (all number options are integers). */
  min?: number;
  doc: string;
}

export interface TemplateInfo {
  name: string;
  title: string;
  description: string;
  /** Default per-sample shape of the first input (batch excluded). */
  input: number[];
  /** Every input node with its default per-sample shape (most templates have one). */
  inputs: { name: string; shape: number[] }[];
  options: readonly TemplateOption[];
}

export interface Template extends Omit<TemplateInfo, 'inputs'> {
  /** Name of the first input node (default "input"). */
  inputName?: string;
  extraInputs?: { name: string; shape: number[] }[];
  build(o: ResolvedOptions): ModelGraph;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Options after defaults are applied, with typed reads. */
export class ResolvedOptions {
  constructor(
    readonly template: string,
    private readonly values: TemplateOptions,
  ) {}

  num(key: string): number {
    const v = this.values[key];
    if (typeof v !== 'number') throw new TemplateError(`template "${this.template}": option "${key}" is not a number`);
    return v;
  }

  str(key: string): string {
    const v = this.values[key];
    if (typeof v !== 'string') throw new TemplateError(`template "${this.template}": option "${key}" is not a string`);
    return v;
  }

  bool(key: string): boolean {
    const v = this.values[key];
    if (typeof v !== 'boolean') throw new TemplateError(`template "${this.template}": option "${key}" is not true/false`);
    return v;
  }
}

/** Apply defaults and check each given option against the template's list. */
export function resolveOptions(t: Template, given: TemplateOptions): ResolvedOptions {
  const out: Record<string, OptionValue> = {};
  for (const spec of t.options) out[spec.name] = spec.default;
  for (const [key, value] of Object.entries(given)) {
    const spec = t.options.find((o) => o.name === key);
    const where = `template "${t.name}": option "${key}"`;
    if (!spec) {
      const names = t.options.map((o) => o.name).join(', ') || '(none)';
      throw new TemplateError(`template "${t.name}" has no option "${key}" (options: ${names})`);
    }
    if (typeof value !== typeof spec.default) throw new TemplateError(`${where} must be a ${typeof spec.default}, got ${JSON.stringify(value)}`);
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new TemplateError(`${where} must be an integer, got ${value}`);
      if (spec.min !== undefined && value < spec.min) throw new TemplateError(`${where} must be >= ${spec.min}, got ${value}`);
    }
    if (typeof value === 'string' && spec.choices && !spec.choices.includes(value)) {
      throw new TemplateError(`${where} must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  return new ResolvedOptions(t.name, out);
}

/** The usual classifier-head option: 0 leaves a bare block, >0 adds global pooling and a Dense layer. */
export const headOption: TemplateOption = {
  name: 'classes',
  default: 0,
  min: 0,
  doc: '0: the bare block; N > 0: add global average pooling and a Dense layer with N classes',
};
