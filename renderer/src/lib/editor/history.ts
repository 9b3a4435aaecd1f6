/**
 * Undo/redo over immutable snapshots. Each entry carries a label ("add Conv2D", "move 3 nodes")
 * so the UI can say what undo will do. Consecutive edits with the same coalesce key (typing in
 * one attribute field, dragging) merge into one entry.
 */
export interface HistoryEntry<S> {
  state: S;
  label: string;
}

export class History<S> {
  private past: HistoryEntry<S>[] = [];
  private future: HistoryEntry<S>[] = [];
  private lastKey: string | undefined;

  constructor(
    private present: S,
    private readonly limit = 300,
  ) {}

  get current(): S {
    return this.present;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  get undoLabel(): string | undefined {
    return this.past.at(-1)?.label;
  }

  get redoLabel(): string | undefined {
    return this.future.at(-1)?.label;
  }

  /** Record a new state. With a coalesce key equal to the previous push, the step is merged. */
  push(state: S, label: string, coalesceKey?: string): void {
    if (state === this.present) return;
    if (coalesceKey !== undefined && coalesceKey === this.lastKey && this.past.length > 0) {
      this.present = state;
      this.future = [];
      return;
    }
    this.past.push({ state: this.present, label });
    if (this.past.length > this.limit) this.past.shift();
    this.present = state;
    this.future = [];
    this.lastKey = coalesceKey;
  }

  undo(): S | undefined {
    const prev = this.past.pop();
    if (!prev) return undefined;
    this.future.push({ state: this.present, label: prev.label });
    this.present = prev.state;
    this.lastKey = undefined;
    return this.present;
  }

  redo(): S | undefined {
    const next = this.future.pop();
    if (!next) return undefined;
    this.past.push({ state: this.present, label: next.label });
    this.present = next.state;
    this.lastKey = undefined;
    return this.present;
  }

  /** Forget everything (open a new document). */
  reset(state: S): void {
    this.past = [];
    this.future = [];
    this.present = state;
    this.lastKey = undefined;
  }

  /** Break coalescing, e.g. when a field loses focus. */
  seal(): void {
    this.lastKey = undefined;
  }
}
