/**
 * The editor's session survives a reload or a crash: the document is written to local storage
 * shortly after each change and restored on the next start (first run gets LeNet-5 instead).
 * Storage is passed in, so tests use a plain object.
 */
import { graphToJson, parseGraphJson } from '../../../../core/index';
import type { EditorDoc, EditorStore } from '../editor/editor-store';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const AUTOSAVE_KEY = 'convlab.autosave.v1';

interface Saved {
  graph: string;
  collapsed: string[];
  dirty: boolean;
}

export function encodeSession(doc: EditorDoc, dirty: boolean): string {
  const saved: Saved = { graph: graphToJson(doc.graph), collapsed: [...doc.collapsed], dirty };
  return JSON.stringify(saved);
}

export function decodeSession(text: string): { doc: EditorDoc; dirty: boolean } | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || !('graph' in v) || typeof v.graph !== 'string') return undefined;
    const collapsed = 'collapsed' in v && Array.isArray(v.collapsed) ? v.collapsed.filter((g): g is string => typeof g === 'string') : [];
    const dirty = 'dirty' in v && v.dirty === true;
    return { doc: { graph: parseGraphJson(v.graph).graph, collapsed }, dirty };
  } catch {
    return undefined;
  }
}

/** Restore the last session into the store; false when there is none (or it is unreadable). */
export function restoreSession(store: EditorStore, storage: KeyValueStore): boolean {
  const text = storage.getItem(AUTOSAVE_KEY);
  const session = text ? decodeSession(text) : undefined;
  if (!session) return false;
  store.load(session.doc.graph, { collapsed: [...session.doc.collapsed], saved: !session.dirty });
  return true;
}

/** Save after each change, at most every `delayMs`; returns a function that stops it. */
export function startAutosave(store: EditorStore, storage: KeyValueStore, delayMs = 400): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastDoc: EditorDoc | undefined;
  let lastDirty: boolean | undefined;
  const unsubscribe = store.subscribe((s) => {
    if (s.doc === lastDoc && s.dirty === lastDirty) return;
    lastDoc = s.doc;
    lastDirty = s.dirty;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      try {
        storage.setItem(AUTOSAVE_KEY, encodeSession(store.current.doc, store.current.dirty));
      } catch {
        // Storage full or unavailable: the session is simply not kept.
      }
    }, delayMs);
  });
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    unsubscribe();
  };
}
