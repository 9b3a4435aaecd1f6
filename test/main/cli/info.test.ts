import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, graphToJson } from '../../../core/index';
import { UsageError, type CliIo, type OptionValue } from '../../../main/cli/command';
import { infoCommand, parseSetting } from '../../../main/cli/commands/info';

async function run(positionals: string[], options: Record<string, OptionValue> = {}) {
  const lines: string[] = [];
  const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), interrupted: new Promise(() => {}) };
  const code = await infoCommand.run({ positionals, options }, io);
  return { code, text: lines.join('\n') };
}

describe('convlab info', () => {
  it('parses --set values', () => {
    expect(parseSetting('activation=tanh')).toEqual(['activation', 'tanh']);
    expect(parseSetting('classes=4')).toEqual(['classes', 4]);
    expect(parseSetting('factorized=true')).toEqual(['factorized', true]);
    expect(() => parseSetting('oops')).toThrow(UsageError);
  });

  it('summarises a template with options', async () => {
    const { code, text } = await run(['vgg-stack'], { set: ['channels=8'] });
    expect(code).toBe(0);
    expect(text).toMatch(/stack_conv1\s+Conv2D\s+\(N, 8, 32, 32\)\s+576/);
    expect(text).toContain('Total params: 4,864'); // (27 + 49) * C^2 with C = 8
    expect(text).toMatch(/stack3x3\s+ReLU\s+\(N, 8, 32, 32\)\s+0\s+\S+\s+7$/m);
  });

  it('reads a model file, and exits 1 on an invalid graph with the errors listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlab-info-'));
    const b = new GraphBuilder('broken');
    const x = b.input([3, 4, 4]);
    b.conv2d('big', x, { filters: 2, kernel: 9 });
    const file = join(dir, 'm.json');
    writeFileSync(file, graphToJson(b.build()));
    const { code, text } = await run([file], { json: true });
    expect(code).toBe(1);
    const parsed = JSON.parse(text) as { valid: boolean; errors: { node: string }[] };
    expect(parsed.valid).toBe(false);
    expect(parsed.errors[0].node).toBe('big');
    writeFileSync(file, '{"format": "convlab-graph", "version": 1, "name": "x", "nodes": 3}');
    await expect(run([file])).rejects.toThrow(/nodes must be a list/);
    await expect(run(['no-such-thing'])).rejects.toThrow(/neither a template/);
    await expect(run(['lenet5'], { set: ['depth=3'] })).rejects.toThrow(/no option "depth"/);
  });
});
