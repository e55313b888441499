// What the timelines show, worked out once for both drawings (text and SVG):
// per task, when it was waiting for its turn, when it was connected, when its
// bytes arrived and when it ended — all on one time axis shared by every stage.
import type { StageResult } from './compare.js';

export interface Lane {
  label: string;
  /** When the task's connection was made (ms after the client's start line); undefined if never. */
  connectedMs?: number;
  /** When it ended (done or failed). */
  endMs?: number;
  outcome: 'done' | 'failed' | 'missing';
  /** Arrival times of its reads, in ms. */
  arrivals: number[];
}

export function lanes(stage: StageResult): Lane[] {
  return (stage.run?.tasks ?? []).map((task) => {
    const lane: Lane = {
      label: `${task.task} ${task.poem}`,
      outcome: task.status === 'done' && !task.whole ? 'failed' : task.status,
      arrivals: task.chunks.map(([at]) => at),
    };
    const connected = task.connectedMs ?? task.chunks[0]?.[0];
    if (connected !== undefined) lane.connectedMs = connected;
    if (task.endMs !== undefined) lane.endMs = task.endMs;
    return lane;
  });
}

/** Tick marks for an axis of `axisMs`: a round step giving about `target` intervals. */
export function ticks(axisMs: number, target = 6): number[] {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000];
  const step = steps.find((s) => axisMs / s <= target) ?? steps.at(-1)!;
  const marks: number[] = [];
  for (let t = 0; t <= axisMs + 1e-9; t += step) marks.push(t);
  return marks;
}

/** `1.5 s`, `250 ms`: short labels for an axis. */
export function tickLabel(ms: number, stepMs: number): string {
  if (stepMs >= 1000) return `${+(ms / 1000).toFixed(1)} s`;
  if (stepMs >= 100) return `${+(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

/** 21.83 s, 1.094 s, 0.004 s */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? s.toFixed(2) : s.toFixed(3)} s`;
}
