import { describe, expect, it, vi } from 'vitest';
import { EditorStore } from '../../../../renderer/src/lib/editor/editor-store';
import { AUTOSAVE_KEY, restoreSession, startAutosave, type KeyValueStore } from '../../../../renderer/src/lib/project/autosave';

function memoryStorage(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('autosave', () => {
  it('writes the document after edits and restores it, blocks and dirty state included', () => {
    vi.useFakeTimers();
    try {
      const storage = memoryStorage();
      const a = new EditorStore();
      const stop = startAutosave(a, storage, 100);
      const input = a.addOp('Input', { x: 0, y: 0 });
      const flat = a.addOp('Flatten', { x: 0, y: 100 }, input);
      const dense = a.addOp('Dense', { x: 0, y: 200 }, flat);
      a.select([flat, dense]);
      a.group('head');
      expect(storage.data.has(AUTOSAVE_KEY)).toBe(false); // debounced
      vi.advanceTimersByTime(150);
      expect(storage.data.has(AUTOSAVE_KEY)).toBe(true);
      stop();

      const b = new EditorStore();
      expect(restoreSession(b, storage)).toBe(true);
      expect(b.graph.nodes.map((n) => [n.name, n.op, n.inputs, n.ui?.group])).toEqual(a.graph.nodes.map((n) => [n.name, n.op, n.inputs, n.ui?.group]));
      expect(b.current.doc.collapsed).toEqual(['head']);
      expect(b.current.analysis.totalParams).toBe(7850);
      expect(b.current.dirty).toBe(true);
      expect(b.current.canUndo).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores a missing or corrupt session', () => {
    const storage = memoryStorage();
    const store = new EditorStore();
    expect(restoreSession(store, storage)).toBe(false);
    storage.setItem(AUTOSAVE_KEY, '{"graph": "not a graph"}');
    expect(restoreSession(store, storage)).toBe(false);
    storage.setItem(AUTOSAVE_KEY, 'garbage');
    expect(restoreSession(store, storage)).toBe(false);
    expect(store.graph.nodes).toEqual([]);
  });
});
