/**
 * The editor's single source of truth: the document (graph + which blocks are folded), the
 * selection, the clipboard and the live analysis. Every document edit goes through `commit`,
 * so every edit is undoable and re-analysed. Implements Svelte's store contract (`subscribe`),
 * so components read it as `$editor`, and tests drive it without a browser.
 */
import type { GraphNode, ModelGraph, RawAttrs } from '../../../../core/index';
import { analyze, sameStructure, type Analysis } from './analysis';
import { editAttr } from './attr-input';
import * as edit from './graph-edit';
import { History } from './history';
import { defaultAttrs } from './op-defaults';
import { withSimpleLayout } from './simple-layout';
import { BLOCK_PREFIX } from './view-model';

export interface EditorDoc {
  graph: ModelGraph;
  collapsed: readonly string[];
}

export interface EditorState {
  doc: EditorDoc;
  /** Canvas ids: node names, or `block:<group>` for folded blocks. */
  selection: readonly string[];
  analysis: Analysis;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel?: string;
  redoLabel?: string;
  /** Bumped on every change (documents and selection), handy for keyed effects. */
  revision: number;
  /** Bumped when a whole new document is loaded (the canvas re-fits the view). */
  generation: number;
}

export type EditOutcome = { ok: true } | { ok: false; reason: string };

type Listener = (state: EditorState) => void;

export class EditorStore {
  private history: History<EditorDoc>;
  private state: EditorState;
  private listeners = new Set<Listener>();
  private clipboard: GraphNode[] = [];
  private savedDoc: EditorDoc;
  private pasteCount = 0;

  constructor(graph: ModelGraph = edit.emptyGraph()) {
    const doc: EditorDoc = { graph, collapsed: [] };
    this.history = new History(doc);
    this.savedDoc = doc;
    this.state = this.derive(doc, [], 0, 0);
  }

  subscribe(run: Listener): () => void {
    this.listeners.add(run);
    run(this.state);
    return () => this.listeners.delete(run);
  }

  get current(): EditorState {
    return this.state;
  }

  get graph(): ModelGraph {
    return this.state.doc.graph;
  }

  private derive(doc: EditorDoc, selection: readonly string[], revision: number, generation: number): EditorState {
    const prev = this.state as EditorState | undefined;
    const analysis = prev && sameStructure(prev.doc.graph, doc.graph) ? prev.analysis : analyze(doc.graph);
    return {
      doc,
      selection,
      analysis,
      dirty: doc !== this.savedDoc && !sameDoc(doc, this.savedDoc),
      canUndo: this.history.canUndo,
      canRedo: this.history.canRedo,
      undoLabel: this.history.undoLabel,
      redoLabel: this.history.redoLabel,
      revision,
      generation,
    };
  }

  private emit(doc: EditorDoc, selection: readonly string[], newGeneration = false): void {
    const existing = new Set(doc.graph.nodes.map((n) => n.name));
    const groups = new Set(doc.collapsed.map((g) => BLOCK_PREFIX + g));
    const kept = selection.filter((id) => existing.has(id) || groups.has(id));
    this.state = this.derive(doc, kept, this.state.revision + 1, this.state.generation + (newGeneration ? 1 : 0));
    for (const l of this.listeners) l(this.state);
  }

  /** Record an edit: history, analysis, listeners. */
  private commit(doc: EditorDoc, label: string, selection: readonly string[] = this.state.selection, coalesce?: string): void {
    this.history.push(doc, label, coalesce);
    this.emit(doc, selection);
  }

  private withGraph(graph: ModelGraph): EditorDoc {
    const groups = new Set(graph.nodes.map((n) => n.ui?.group).filter((g) => g !== undefined));
    return { graph, collapsed: this.state.doc.collapsed.filter((g) => groups.has(g)) };
  }

  // ---- documents -------------------------------------------------------------------------

  /** Replace the document (new/open/import); clears history. Nodes without positions are laid out. */
  load(graph: ModelGraph, options: { collapsed?: string[]; saved?: boolean } = {}): void {
    const placed = graph.nodes.every((n) => n.ui) ? graph : { ...graph, nodes: withSimpleLayout(graph.nodes) };
    const doc: EditorDoc = { graph: placed, collapsed: options.collapsed ?? [] };
    this.history.reset(doc);
    if (options.saved !== false) this.savedDoc = doc;
    this.emit(doc, [], true);
  }

  markSaved(): void {
    this.savedDoc = this.state.doc;
    this.emit(this.state.doc, this.state.selection);
  }

  rename(name: string): void {
    if (name !== this.graph.name) this.commit(this.withGraph({ ...this.graph, name }), 'rename model');
  }

  // ---- selection -------------------------------------------------------------------------

  select(ids: readonly string[]): void {
    if (ids.length === this.state.selection.length && ids.every((id, i) => id === this.state.selection[i])) return;
    this.emit(this.state.doc, [...ids]);
  }

  selectAll(): void {
    const idsOf = new Set<string>();
    const collapsed = new Set(this.state.doc.collapsed);
    for (const n of this.graph.nodes) idsOf.add(n.ui?.group !== undefined && collapsed.has(n.ui.group) ? BLOCK_PREFIX + n.ui.group : n.name);
    this.select([...idsOf]);
  }

  /** The node names behind the selection (a folded block stands for all its members). */
  selectedNodes(): string[] {
    const out: string[] = [];
    for (const id of this.state.selection) {
      if (id.startsWith(BLOCK_PREFIX)) out.push(...edit.groupMembers(this.graph, id.slice(BLOCK_PREFIX.length)).map((n) => n.name));
      else out.push(id);
    }
    return out;
  }

  // ---- edits -----------------------------------------------------------------------------

  /** Add an op at a position; with `after`, it is fed by that node. Returns the new node's name. */
  addOp(op: string, at: edit.XY, after?: string): string {
    const inputs = after !== undefined && edit.findNode(this.graph, after) ? [after] : [];
    const { graph, name } = edit.addNode(this.graph, op, defaultAttrs(op), at, inputs);
    this.commit(this.withGraph(graph), `add ${op}`, [name]);
    return name;
  }

  /**
   * Insert a template (a whole model from core's templates) at a position. On an empty canvas it
   * becomes the document (its own groups kept, unfolded); otherwise it arrives as one folded block
   * whose input is the selected node (if exactly one is selected) or left open to be connected.
   */
  addTemplate(template: ModelGraph, at: edit.XY): string[] {
    if (this.graph.nodes.length === 0) {
      const nodes = withSimpleLayout(template.nodes).map((n) => (n.ui ? { ...n, ui: { ...n.ui, x: n.ui.x + at.x, y: n.ui.y + at.y } } : n));
      const graph = { ...this.graph, name: this.graph.name === 'untitled' ? template.name : this.graph.name, nodes, outputs: template.outputs };
      this.commit({ graph, collapsed: [] }, `add ${template.name}`, []);
      return nodes.map((n) => n.name);
    }
    const inputs = new Set(template.nodes.filter((n) => n.op === 'Input').map((n) => n.name));
    const selected = this.selectedNodes();
    const feed = selected.length === 1 ? selected[0] : `${template.name}:input`;
    const body = template.nodes
      .filter((n) => !inputs.has(n.name))
      .map((n) => ({ ...n, inputs: n.inputs.map((i) => (inputs.has(i) ? feed : i)), ui: undefined }));
    const laid = withSimpleLayout(body).map((n) => ({ ...n, ui: { x: n.ui?.x ?? 0, y: n.ui?.y ?? 0, group: template.name } }));
    const { graph, names, groups } = edit.insertFragment(this.graph, laid, at, template.name);
    const group = groups.get(template.name) ?? template.name;
    this.commit({ graph, collapsed: [...this.state.doc.collapsed, group] }, `add block ${template.name}`, [BLOCK_PREFIX + group]);
    return names;
  }

  deleteSelection(): void {
    const names = this.selectedNodes();
    if (names.length === 0) return;
    this.commit(this.withGraph(edit.deleteNodes(this.graph, names)), names.length === 1 ? `delete ${names[0]}` : `delete ${names.length} nodes`, []);
  }

  copy(): number {
    const names = new Set(this.selectedNodes());
    this.clipboard = this.graph.nodes.filter((n) => names.has(n.name));
    this.pasteCount = 0;
    return this.clipboard.length;
  }

  /** Paste the clipboard, offset a little more each time; the copies become the selection. */
  paste(): string[] {
    if (this.clipboard.length === 0) return [];
    this.pasteCount++;
    const d = 40 * this.pasteCount;
    const { graph, names, groups } = edit.insertFragment(this.graph, this.clipboard, { x: d, y: d });
    const wasCollapsed = new Set(this.state.doc.collapsed);
    const newCollapsed = [...groups].filter(([from]) => wasCollapsed.has(from)).map(([, to]) => to);
    const selection = [...names.filter((n) => !newCollapsed.includes(edit.findNode(graph, n)?.ui?.group ?? '')), ...newCollapsed.map((g) => BLOCK_PREFIX + g)];
    this.commit({ graph, collapsed: [...this.state.doc.collapsed, ...newCollapsed] }, `paste ${names.length} node(s)`, selection);
    return names;
  }

  duplicate(): string[] {
    if (this.copy() === 0) return [];
    return this.paste();
  }

  /** Connect canvas ids (node names or folded blocks). */
  connect(sourceId: string, targetId: string): EditOutcome {
    const source = sourceId.startsWith(BLOCK_PREFIX) ? edit.groupExit(this.graph, sourceId.slice(BLOCK_PREFIX.length)) : sourceId;
    if (source === undefined) return { ok: false, reason: `block "${sourceId}" has no output` };
    const result = targetId.startsWith(BLOCK_PREFIX)
      ? edit.connectToGroup(this.graph, source, targetId.slice(BLOCK_PREFIX.length))
      : edit.connect(this.graph, source, targetId);
    if (!result.ok) return result;
    this.commit(this.withGraph(result.graph), `connect ${source} -> ${targetId}`);
    return { ok: true };
  }

  /** Remove input `index` of node `target`. */
  disconnect(target: string, index: number): void {
    const graph = edit.disconnect(this.graph, target, index);
    if (graph !== this.graph) this.commit(this.withGraph(graph), `disconnect input ${index + 1} of ${target}`);
  }

  /** Validate and apply one attribute field; typing in the same field coalesces into one undo step. */
  setAttr(node: string, key: string, text: string): EditOutcome {
    const n = edit.findNode(this.graph, node);
    if (!n) return { ok: false, reason: `no node "${node}"` };
    const result = editAttr(n.op, n.attrs, key, text);
    if (!result.ok) return { ok: false, reason: result.error };
    if (JSON.stringify(result.attrs) === JSON.stringify(n.attrs)) return { ok: true };
    this.commit(this.withGraph(edit.setAttrs(this.graph, node, result.attrs)), `edit ${node}.${key}`, this.state.selection, `attr:${node}:${key}`);
    return { ok: true };
  }

  /** Replace all attributes at once (already validated by the caller or from a trusted source). */
  setAttrs(node: string, attrs: RawAttrs): void {
    this.commit(this.withGraph(edit.setAttrs(this.graph, node, attrs)), `edit ${node}`);
  }

  renameNode(from: string, to: string): EditOutcome {
    const result = edit.renameNode(this.graph, from, to);
    if (!result.ok) return result;
    const selection = this.state.selection.map((s) => (s === from ? to : s));
    this.commit(this.withGraph(result.graph), `rename ${from} to ${to}`, selection);
    return { ok: true };
  }

  /** Node positions after a drag; a folded block's id moves all its members by the same delta. */
  move(positions: ReadonlyMap<string, edit.XY>): void {
    const byName = new Map<string, edit.XY>();
    for (const [id, p] of positions) {
      if (!id.startsWith(BLOCK_PREFIX)) {
        byName.set(id, p);
        continue;
      }
      const members = edit.groupMembers(this.graph, id.slice(BLOCK_PREFIX.length));
      const minX = Math.min(...members.map((m) => m.ui?.x ?? 0));
      const minY = Math.min(...members.map((m) => m.ui?.y ?? 0));
      for (const m of members) byName.set(m.name, { x: (m.ui?.x ?? 0) + p.x - minX, y: (m.ui?.y ?? 0) + p.y - minY });
    }
    const moved = [...byName].filter(([n, p]) => {
      const node = edit.findNode(this.graph, n);
      return node && (node.ui?.x !== p.x || node.ui?.y !== p.y);
    });
    if (moved.length === 0) return;
    this.commit(this.withGraph(edit.moveNodes(this.graph, new Map(moved))), moved.length === 1 ? `move ${moved[0][0]}` : `move ${moved.length} nodes`);
  }

  /** Fold the selected nodes into a named block. */
  group(name?: string): EditOutcome {
    const names = this.selectedNodes();
    if (names.length < 2) return { ok: false, reason: 'select at least two nodes to group' };
    const taken = new Set(this.graph.nodes.map((n) => n.ui?.group).filter((g): g is string => g !== undefined));
    const group = name && !taken.has(name) ? name : edit.uniqueName(name ?? 'block', taken);
    const graph = edit.groupNodes(this.graph, names, group);
    this.commit({ graph, collapsed: [...this.withGraph(graph).collapsed, group] }, `group ${names.length} nodes into ${group}`, [BLOCK_PREFIX + group]);
    return { ok: true };
  }

  /** Unfold a block and dissolve the group: its members are ordinary nodes again. */
  expand(group: string): void {
    const members = edit.groupMembers(this.graph, group).map((m) => m.name);
    if (members.length === 0) return;
    const graph = edit.ungroup(this.graph, group);
    this.commit({ graph, collapsed: this.state.doc.collapsed.filter((g) => g !== group) }, `expand ${group}`, members);
  }

  /** Fold or unfold a block without dissolving it. */
  toggleFold(group: string): void {
    const folded = this.state.doc.collapsed.includes(group);
    const collapsed = folded ? this.state.doc.collapsed.filter((g) => g !== group) : [...this.state.doc.collapsed, group];
    this.commit({ graph: this.graph, collapsed }, `${folded ? 'unfold' : 'fold'} ${group}`, folded ? edit.groupMembers(this.graph, group).map((m) => m.name) : [BLOCK_PREFIX + group]);
  }

  undo(): boolean {
    const doc = this.history.undo();
    if (doc) this.emit(doc, this.state.selection);
    return doc !== undefined;
  }

  redo(): boolean {
    const doc = this.history.redo();
    if (doc) this.emit(doc, this.state.selection);
    return doc !== undefined;
  }

  /** End a coalescing run (attribute field blurred). */
  seal(): void {
    this.history.seal();
  }
}

function sameDoc(a: EditorDoc, b: EditorDoc): boolean {
  return a.graph === b.graph && a.collapsed.length === b.collapsed.length && a.collapsed.every((g, i) => g === b.collapsed[i]);
}
