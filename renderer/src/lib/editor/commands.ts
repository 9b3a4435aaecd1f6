/**
 * Editing commands shared by keyboard shortcuts, menus and buttons: each runs against the app's
 * editor store and reports a refusal as a toast (nothing is lost, the store is unchanged).
 */
import { toasts } from '../ui/toasts.svelte';
import { editor } from './editor';
import type { Command } from './shortcuts';
import type { ViewEdge } from './view-model';

/** Runs an editing command; returns false when the command is not an editing one. */
export function runEditCommand(cmd: Command, selectedEdges: readonly ViewEdge[] = []): boolean {
  switch (cmd) {
    case 'delete':
      if (editor.current.selection.length > 0) editor.deleteSelection();
      else if (selectedEdges.length > 0) {
        // Highest input index first so earlier indices stay valid.
        for (const e of [...selectedEdges].sort((a, b) => b.index - a.index)) editor.disconnect(e.to, e.index);
      }
      return true;
    case 'undo':
      if (!editor.undo()) toasts.info('Nothing to undo');
      return true;
    case 'redo':
      if (!editor.redo()) toasts.info('Nothing to redo');
      return true;
    case 'copy': {
      const n = editor.copy();
      if (n > 0) toasts.info(`Copied ${n} node${n === 1 ? '' : 's'}`);
      return true;
    }
    case 'paste':
      editor.paste();
      return true;
    case 'duplicate':
      if (editor.duplicate().length === 0) toasts.info('Select nodes to duplicate');
      return true;
    case 'group': {
      const r = editor.group();
      if (!r.ok) toasts.info(r.reason);
      return true;
    }
    case 'selectAll':
      editor.selectAll();
      return true;
    case 'escape':
      editor.select([]);
      return true;
    default:
      return false;
  }
}

export function connectOrWarn(source: string, target: string): void {
  const r = editor.connect(source, target);
  if (!r.ok) toasts.error(r.reason);
}
