/** Readable, dismissable messages. Errors stay until dismissed; the rest fade after a few seconds. */
export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

class Toasts {
  list = $state<Toast[]>([]);
  private next = 1;

  push(kind: ToastKind, text: string, ms = kind === 'error' ? 0 : 3500): number {
    const id = this.next++;
    this.list = [...this.list.slice(-4), { id, kind, text }];
    if (ms > 0) setTimeout(() => this.dismiss(id), ms);
    return id;
  }

  error(text: string): number {
    return this.push('error', text);
  }

  info(text: string): number {
    return this.push('info', text);
  }

  dismiss(id: number): void {
    this.list = this.list.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();

/** Run an action and turn a thrown error into a toast instead of losing the user's work. */
export async function guarded<T>(what: string, run: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    toasts.error(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
