/** Keyboard shortcuts: one table from key chords to editor commands (Ctrl or Cmd). */
export type Command = 'delete' | 'undo' | 'redo' | 'copy' | 'paste' | 'duplicate' | 'group' | 'selectAll' | 'save' | 'saveAs' | 'open' | 'new' | 'export' | 'escape';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function commandFor(e: KeyLike): Command | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (e.altKey) return undefined;
  if (!mod) {
    if (key === 'delete' || key === 'backspace') return 'delete';
    if (key === 'escape') return 'escape';
    return undefined;
  }
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !e.shiftKey) return 'redo';
  if (e.shiftKey) return key === 's' ? 'saveAs' : undefined;
  const table: Record<string, Command> = { c: 'copy', v: 'paste', d: 'duplicate', g: 'group', a: 'selectAll', s: 'save', o: 'open', n: 'new', e: 'export' };
  return table[key];
}

/** Shortcuts do not fire while the user types in a field. */
export function isTyping(target: unknown): boolean {
  if (!target || typeof target !== 'object' || !('tagName' in target)) return false;
  const tag = String(target.tagName).toUpperCase();
  const editable = 'isContentEditable' in target && target.isContentEditable === true;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || editable;
}

export const SHORTCUT_HELP: [string, string][] = [
  ['Delete', 'delete selection'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'undo / redo'],
  ['Ctrl+C / Ctrl+V', 'copy / paste'],
  ['Ctrl+D', 'duplicate'],
  ['Ctrl+G', 'group into a block'],
  ['Ctrl+A', 'select all'],
  ['Ctrl+S / Ctrl+Shift+S', 'save / save as'],
  ['Ctrl+O / Ctrl+N', 'open / new project'],
  ['Ctrl+E', 'export to ONNX'],
];
