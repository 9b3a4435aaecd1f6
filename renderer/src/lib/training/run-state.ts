/**
 * Folds the train job's progress events (labels.event = start | step | epoch | backend | done)
 * into what the dashboard shows: the loss per step, train/val loss and accuracy per epoch,
 * progress, images/s, ETA and the backend actually used. Plain data, no Svelte.
 */
export interface ProgressLike {
  done: number;
  total: number;
  message?: string;
  metrics?: Record<string, number>;
  labels?: Record<string, string>;
}

export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface RunState {
  done: number;
  total: number;
  message: string;
  steps: { step: number; loss: number }[];
  epochs: EpochPoint[];
  imagesPerSec?: number;
  etaSeconds?: number;
  backend?: string;
  fallbackReason?: string;
  test?: { loss: number; accuracy: number };
}

export function emptyRun(): RunState {
  return { done: 0, total: 0, message: '', steps: [], epochs: [] };
}

export function foldProgress(s: RunState, p: ProgressLike): RunState {
  const m = p.metrics ?? {};
  const event = p.labels?.event;
  const next: RunState = { ...s, done: p.done, total: p.total, message: p.message ?? s.message };
  if (event === 'backend') {
    next.backend = p.labels?.backend;
    next.fallbackReason = p.labels?.fallbackReason;
  } else if (event === 'step' && m.loss !== undefined) {
    next.steps = [...s.steps, { step: m.step ?? p.done, loss: m.loss }];
    next.imagesPerSec = m.imagesPerSec;
    next.etaSeconds = m.etaSeconds;
  } else if (event === 'epoch' && m.trainLoss !== undefined) {
    const point: EpochPoint = { epoch: m.epoch ?? s.epochs.length + 1, trainLoss: m.trainLoss, trainAccuracy: m.trainAccuracy ?? 0 };
    if (m.valLoss !== undefined) point.valLoss = m.valLoss;
    if (m.valAccuracy !== undefined) point.valAccuracy = m.valAccuracy;
    next.epochs = [...s.epochs.filter((e) => e.epoch !== point.epoch), point];
    if (m.imagesPerSec !== undefined) next.imagesPerSec = m.imagesPerSec;
  } else if (event === 'done') {
    next.etaSeconds = 0;
    if (m.testLoss !== undefined && m.testAccuracy !== undefined) next.test = { loss: m.testLoss, accuracy: m.testAccuracy };
  }
  return next;
}

/** 75 -> "1:15"; hours when needed. */
export function clock(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
