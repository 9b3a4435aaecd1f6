/**
 * The open project: where it lives (path, null = untitled), its name, dataset, training settings,
 * runs and weights, around the editor store that holds the graph. New / open / save / save-as go
 * through the contract's `project.*` methods; autosave writes the recovery copy (`project.autosave`)
 * shortly after each change, and `startup` offers a recovery copy newer than the file. Weights are
 * fitted to the graph on every structural edit: nodes whose parameters changed shape lose theirs
 * and `onNotice` says so. Store contract (`subscribe`) for components; the client is passed in so
 * tests use a fake.
 */
import type { ModelGraph, Weights } from '../../../../core/index';
import type { Params, ProjectDoc, ProjectRun, Result, TrainingSettings } from '../../../../main/contract/types';
import type { Client } from '../../client/index';
import { sameStructure } from '../editor/analysis';
import type { EditorStore } from '../editor/editor-store';
import { emptyGraph } from '../editor/graph-edit';
import { fitWeights, fromProject, MAX_WIRE_VALUES, toProject, weightCount, wireWeights, type ProjectMeta } from './project-doc';

export type ProjectClient = Pick<Client, 'call'>;

export interface Recovery {
  /** The project the copy belongs to (null = untitled). */
  path: string | null;
  savedAt: number;
  project: ProjectDoc;
}

export interface SessionState {
  path: string | null;
  meta: ProjectMeta;
  /** Weights that fit the current graph (imported or trained). */
  weights?: Weights;
  /** Editor or project settings changed since the last save/open. */
  dirty: boolean;
  /** A recovery copy newer than what is open, offered to the user. */
  recovery?: Recovery;
  /** Nodes whose weights were dropped because their parameters changed. */
  dropped: string[];
  savedAt?: number;
}

export interface SessionOptions {
  /** Lays out a graph whose nodes have no positions (ELK in the app). */
  place?: (g: ModelGraph) => Promise<ModelGraph>;
  onNotice?: (text: string) => void;
  now?: () => number;
}

const BLANK: ProjectMeta = {
  name: 'untitled',
  createdAt: 0,
  dataset: { spec: 'mnist' },
  training: { optimizer: 'adam', lr: 0.001, epochs: 1, batchSize: 32, backend: 'core', seed: 1, subset: 512 },
  runs: [],
};

export class ProjectSession {
  private path: string | null = null;
  private meta: ProjectMeta = { ...BLANK, training: { ...BLANK.training } };
  private allWeights: Weights | undefined;
  private weights: Weights | undefined;
  private dropped: string[] = [];
  private metaDirty = false;
  private recovery: Recovery | undefined;
  private savedAt: number | undefined;
  private lastGraph: ModelGraph;
  private listeners = new Set<(s: SessionState) => void>();
  private state: SessionState;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private autosaveMs = 0;
  private stopEditor: () => void;

  constructor(
    private client: ProjectClient,
    readonly editor: EditorStore,
    private opts: SessionOptions = {},
  ) {
    this.lastGraph = editor.graph;
    this.state = this.derive();
    this.stopEditor = editor.subscribe((s) => {
      if (s.doc.graph !== this.lastGraph) {
        const structural = !sameStructure(this.lastGraph, s.doc.graph);
        this.lastGraph = s.doc.graph;
        if (structural) this.refit();
      }
      this.emit();
    });
  }

  subscribe(run: (s: SessionState) => void): () => void {
    this.listeners.add(run);
    run(this.state);
    return () => this.listeners.delete(run);
  }

  get current(): SessionState {
    return this.state;
  }

  private derive(): SessionState {
    const s: SessionState = { path: this.path, meta: this.meta, weights: this.weights, dirty: this.metaDirty || this.editor.current.dirty, dropped: this.dropped };
    if (this.recovery) s.recovery = this.recovery;
    if (this.savedAt !== undefined) s.savedAt = this.savedAt;
    return s;
  }

  private emit(): void {
    this.state = this.derive();
    for (const l of this.listeners) l(this.state);
    this.schedule();
  }

  private refit(): void {
    const { kept, dropped } = fitWeights(this.editor.graph, this.allWeights);
    const fresh = dropped.filter((d) => !this.dropped.includes(d));
    this.weights = kept && Object.keys(kept).length > 0 ? kept : undefined;
    this.dropped = dropped;
    if (fresh.length > 0) {
      const names = fresh.length > 4 ? `${fresh.slice(0, 4).join(', ')} and ${fresh.length - 4} more` : fresh.join(', ');
      this.opts.onNotice?.(`Dropped the weights of ${names}: the parameters changed shape (other layers keep theirs; undo brings them back)`);
    }
  }

  /** The document as it would be saved now (weights too big for the wire are left out, see MAX_WIRE_VALUES). */
  document(): ProjectDoc {
    return toProject(this.meta, this.editor.graph, this.editor.current.doc.collapsed, wireWeights(this.weights), this.opts.now?.() ?? Date.now());
  }

  private async show(p: ProjectDoc, path: string | null, saved: boolean): Promise<void> {
    const loaded = fromProject(p);
    const graph = this.opts.place && !loaded.graph.nodes.every((n) => n.ui) ? await this.opts.place(loaded.graph) : loaded.graph;
    this.path = path;
    this.meta = loaded.meta;
    this.allWeights = loaded.weights;
    this.weights = loaded.weights;
    this.dropped = [];
    this.metaDirty = !saved;
    this.lastGraph = graph;
    this.editor.load(graph, { collapsed: loaded.collapsed, saved });
    this.refit();
    this.emit();
  }

  /** Launch: the most recent project or the first-run LeNet-5; then a newer recovery copy, if any, is offered. */
  async startup(): Promise<Result<'project.startup'>> {
    const r = await this.client.call('project.startup', {});
    await this.show(r.project, r.path, true);
    // The opened project's newer copy, else unsaved work on an untitled project.
    await this.checkRecovery(r.recovery ? r.path : null);
    return r;
  }

  private async checkRecovery(path: string | null): Promise<void> {
    const rec = await this.client.call('project.recovery', { path });
    if (rec.project && rec.savedAt !== undefined) this.recovery = { path, savedAt: rec.savedAt, project: rec.project };
    this.emit();
  }

  async restoreRecovery(): Promise<void> {
    const rec = this.recovery;
    if (!rec) return;
    this.recovery = undefined;
    await this.show(rec.project, rec.path, false);
  }

  async discardRecovery(): Promise<void> {
    const rec = this.recovery;
    this.recovery = undefined;
    await this.client.call('project.discardRecovery', { path: rec?.path ?? this.path });
    this.emit();
  }

  /** A fresh project: a template (default LeNet-5), or an empty canvas with `empty`. */
  async newProject(opts: { template?: string; empty?: boolean; dataset?: string } = {}): Promise<void> {
    const params: Params<'project.new'> = {};
    if (opts.template) params.template = opts.template;
    if (opts.dataset) params.dataset = opts.dataset;
    const r = await this.client.call('project.new', params);
    const project = opts.empty ? { ...r.project, name: 'untitled', model: toProject(this.meta, emptyGraph(), [], undefined, 0).model } : r.project;
    this.recovery = undefined;
    await this.show(project, null, true);
  }

  async open(path: string): Promise<void> {
    const r = await this.client.call('project.open', { path });
    this.recovery = undefined;
    await this.show(r.project, r.path, true);
    if (r.recovery) await this.checkRecovery(r.path);
  }

  /** Save to the current path; false when the project is untitled (the caller asks for a path). */
  async save(): Promise<boolean> {
    if (this.path === null) return false;
    await this.write('project.save', this.path, false);
    return true;
  }

  async saveAs(path: string, overwrite = false): Promise<void> {
    await this.write('project.saveAs', path, overwrite);
  }

  private async write(method: 'project.save' | 'project.saveAs', path: string, overwrite: boolean): Promise<void> {
    if (this.weights && !wireWeights(this.weights)) {
      this.opts.onNotice?.(`Saved without the weights: ${weightCount(this.weights).toLocaleString()} values is more than a project can carry here (${MAX_WIRE_VALUES.toLocaleString()})`);
    }
    const doc = this.editor.current.doc;
    const meta = this.meta;
    const project = this.document();
    const r = method === 'project.save' ? await this.client.call(method, { path, project }) : await this.client.call(method, { path, project, overwrite });
    this.path = r.path;
    this.savedAt = r.savedAt;
    // Edits made while the save was on the wire stay unsaved.
    if (this.meta === meta) this.metaDirty = false;
    if (this.editor.current.doc === doc) this.editor.markSaved();
    this.emit();
  }

  // ---- project settings ----------------------------------------------------------------

  private change(meta: ProjectMeta): void {
    this.meta = meta;
    this.metaDirty = true;
    this.emit();
  }

  rename(name: string): void {
    if (name !== this.meta.name) this.change({ ...this.meta, name });
  }

  setDataset(spec: string): void {
    if (spec !== this.meta.dataset.spec) this.change({ ...this.meta, dataset: { spec } });
  }

  setTraining(training: TrainingSettings): void {
    if (JSON.stringify(training) !== JSON.stringify(this.meta.training)) this.change({ ...this.meta, training });
  }

  /** Add or replace a run (by id). */
  putRun(run: ProjectRun): void {
    const runs = this.meta.runs.some((r) => r.id === run.id) ? this.meta.runs.map((r) => (r.id === run.id ? run : r)) : [...this.meta.runs, run];
    this.change({ ...this.meta, runs });
  }

  removeRun(id: string): void {
    this.change({ ...this.meta, runs: this.meta.runs.filter((r) => r.id !== id) });
  }

  /** Trained or imported weights for the current graph (nodes whose shapes do not fit are dropped, with a notice). */
  attachWeights(weights: Weights | undefined): void {
    this.allWeights = weights;
    this.dropped = [];
    this.refit();
    this.metaDirty = true;
    this.emit();
  }

  // ---- autosave -------------------------------------------------------------------------

  /** Write the recovery copy `delayMs` after the last change while the project is dirty. */
  startAutosave(delayMs = 800): () => void {
    this.autosaveMs = delayMs;
    return () => {
      this.autosaveMs = 0;
      if (this.timer !== undefined) clearTimeout(this.timer);
    };
  }

  private schedule(): void {
    if (this.autosaveMs <= 0 || !this.state.dirty) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.autosaveNow().catch((e: unknown) => this.opts.onNotice?.(`Autosave failed: ${e instanceof Error ? e.message : String(e)}`));
    }, this.autosaveMs);
  }

  async autosaveNow(): Promise<void> {
    if (!this.state.dirty) return;
    await this.client.call('project.autosave', { path: this.path, project: this.document() });
  }

  dispose(): void {
    this.stopEditor();
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
