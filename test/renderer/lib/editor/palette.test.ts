import { describe, expect, it } from 'vitest';
import { listOps } from '../../../../core/index';
import { decodeDrag, encodeDrag, groupByCategory, paletteEntries, searchPalette } from '../../../../renderer/src/lib/editor/palette';
import { commandFor, isTyping } from '../../../../renderer/src/lib/editor/shortcuts';

const key = (k: string, mods: Partial<{ ctrl: boolean; shift: boolean; meta: boolean; alt: boolean }> = {}) => ({
  key: k,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
});

describe('palette', () => {
  it('lists every registered op plus Input and the templates', () => {
    const entries = paletteEntries([{ name: 'lenet5', summary: 'LeNet-5 for 28x28 digits', kind: 'model' }]);
    const ops = entries.filter((e) => e.kind === 'op').map((e) => e.name);
    expect(ops).toContain('Input');
    for (const op of listOps()) expect(ops).toContain(op.type);
    expect(entries.at(-1)).toMatchObject({ kind: 'template', name: 'lenet5', category: 'model' });
    expect(groupByCategory(entries)[0][0]).toBe('io');
  });

  it('searches names first, then summaries and categories', () => {
    const entries = paletteEntries([{ name: 'resnet-basic', summary: 'ResNet basic block with a skip connection' }]);
    const relu = searchPalette(entries, 'relu');
    expect(relu[0].name).toBe('ReLU');
    expect(searchPalette(entries, 'skip').map((e) => e.name)).toEqual(['resnet-basic']);
    expect(searchPalette(entries, 'zzzz-nothing')).toEqual([]);
    expect(searchPalette(entries, '  ')).toHaveLength(entries.length);
  });

  it('round-trips drag payloads and rejects foreign ones', () => {
    expect(decodeDrag(encodeDrag({ kind: 'op', name: 'Dense' }))).toEqual({ kind: 'op', name: 'Dense' });
    expect(decodeDrag('{"kind":"file","name":"x"}')).toBeUndefined();
    expect(decodeDrag('not json')).toBeUndefined();
  });
});

describe('shortcuts', () => {
  it('maps chords to commands', () => {
    expect(commandFor(key('Delete'))).toBe('delete');
    expect(commandFor(key('z', { ctrl: true }))).toBe('undo');
    expect(commandFor(key('Z', { ctrl: true, shift: true }))).toBe('redo');
    expect(commandFor(key('z', { meta: true, shift: true }))).toBe('redo');
    expect(commandFor(key('c', { ctrl: true }))).toBe('copy');
    expect(commandFor(key('v', { ctrl: true }))).toBe('paste');
    expect(commandFor(key('d', { ctrl: true }))).toBe('duplicate');
    expect(commandFor(key('g', { ctrl: true }))).toBe('group');
    expect(commandFor(key('g'))).toBeUndefined();
    expect(commandFor(key('c', { ctrl: true, alt: true }))).toBeUndefined();
    expect(commandFor(key('s', { ctrl: true }))).toBe('save');
    expect(commandFor(key('S', { ctrl: true, shift: true }))).toBe('saveAs');
    expect(commandFor(key('o', { ctrl: true }))).toBe('open');
    expect(commandFor(key('n', { ctrl: true }))).toBe('new');
    expect(commandFor(key('e', { ctrl: true }))).toBe('export');
    expect(commandFor(key('e', { ctrl: true, shift: true }))).toBeUndefined();
  });

  it('does not fire while typing in a field', () => {
    expect(isTyping({ tagName: 'INPUT' })).toBe(true);
    expect(isTyping({ tagName: 'DIV', isContentEditable: false })).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
