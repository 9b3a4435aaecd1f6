/** Every template option, varied one at a time: the graph builds, and analysis never throws (errors come back as GraphErrors). */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../core/graph/analyze';
import { GraphError } from '../../../core/graph/types';
import { buildTemplate, listTemplates } from '../../../core/layers/templates';
import { TemplateError, type OptionValue } from '../../../core/layers/template';

function variants(def: OptionValue, min: number | undefined, choices: readonly string[] | undefined): OptionValue[] {
  if (typeof def === 'boolean') return [true, false];
  if (typeof def === 'string') return [...(choices ?? [def])];
  return [...new Set([def, min ?? 1, Math.max(min ?? 1, Math.floor(def / 2)), def + 1])];
}

describe('template options', () => {
  it('each option value builds and analyses without throwing', () => {
    let valid = 0;
    let invalid = 0;
    for (const t of listTemplates()) {
      for (const o of t.options) {
        for (const v of variants(o.default, o.min, o.choices)) {
          let g;
          try {
            g = buildTemplate(t.name, { [o.name]: v });
          } catch (e) {
            // a template may refuse a combination up front, with a reason
            expect(e, `${t.name} ${o.name}=${String(v)}`).toBeInstanceOf(TemplateError);
            invalid++;
            continue;
          }
          const a = analyzeGraph(g);
          for (const e of a.errors) expect(e, `${t.name} ${o.name}=${String(v)}`).toBeInstanceOf(GraphError);
          if (a.valid) valid++;
          else invalid++;
        }
      }
    }
    console.log(`template option variants: ${valid} valid, ${invalid} rejected (GraphError or TemplateError)`);
    expect(valid).toBeGreaterThan(invalid);
  });

  it('options that fit together give valid graphs', () => {
    const ok: [string, Record<string, OptionValue>][] = [
      ['vgg-small', { channels: 1, size: 28 }],
      ['resnet8', { channels: 1, size: 28, width: 8 }],
      ['resnext', { cardinality: 8, width: 8, channels: 64 }],
      ['shufflenet', { groups: 4, channels: 64, out: 64 }],
      ['shufflenet', { groups: 4, channels: 64, out: 192, stride: 2 }],
      ['c3d', { frames: 16, size: 64, classes: 5 }],
      ['gcn', { nodes: 100, features: 8, classes: 3, dropout: 0 }],
      ['resnet-nonlocal', { mode: 'dot' }],
      ['mobilenet', { stride: 2, kernel: 5 }],
    ];
    expect(() => buildTemplate('shufflenet', { stride: 2 })).toThrow(/out \(240\) must exceed channels \(240\)/);
    for (const [name, opts] of ok) {
      const a = analyzeGraph(buildTemplate(name, opts));
      expect(a.errors.map((e) => e.message), `${name} ${JSON.stringify(opts)}`).toEqual([]);
    }
  });
});
