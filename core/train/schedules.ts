/**
 * Learning-rate schedules as pure functions of the optimizer step (0-based):
 *   constant: lr
 *   step:     lr * gamma^floor(step / stepSize)
 *   cosine:   minLr + (lr - minLr) * (1 + cos(pi * min(step, total) / total)) / 2
 * Any of them may start with a linear warm-up from lr/warmupSteps... to lr over `warmupSteps`
 * steps; the decay then counts from the end of the warm-up.
 */
export type ScheduleConfig =
  | { kind: 'constant'; warmupSteps?: number }
  | { kind: 'step'; stepSize: number; gamma?: number; warmupSteps?: number }
  | { kind: 'cosine'; totalSteps: number; minLr?: number; warmupSteps?: number };

export function checkSchedule(s: ScheduleConfig): void {
  const warm = s.warmupSteps ?? 0;
  if (!Number.isInteger(warm) || warm < 0) throw new Error(`schedule: warmupSteps must be an integer >= 0, got ${warm}`);
  if (s.kind === 'step' && !(Number.isInteger(s.stepSize) && s.stepSize > 0)) {
    throw new Error(`schedule step: stepSize must be a positive integer, got ${s.stepSize}`);
  }
  if (s.kind === 'cosine' && !(Number.isInteger(s.totalSteps) && s.totalSteps > 0)) {
    throw new Error(`schedule cosine: totalSteps must be a positive integer, got ${s.totalSteps}`);
  }
}

/** The learning rate for optimizer step `step` (0 = the first update). */
export function learningRate(s: ScheduleConfig, baseLr: number, step: number): number {
  const warm = s.warmupSteps ?? 0;
  if (step < warm) return (baseLr * (step + 1)) / warm;
  const t = step - warm;
  switch (s.kind) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * Math.pow(s.gamma ?? 0.1, Math.floor(t / s.stepSize));
    case 'cosine': {
      const minLr = s.minLr ?? 0;
      const total = Math.max(1, s.totalSteps - warm);
      const p = Math.min(t, total) / total;
      return minLr + ((baseLr - minLr) * (1 + Math.cos(Math.PI * p))) / 2;
    }
  }
}
