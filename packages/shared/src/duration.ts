// Durations as the tutorial prints them (Python's timedelta): H:MM:SS.ffffff.

export function formatDuration(ms: number): string {
  const micros = Math.max(0, Math.round(ms * 1000));
  const hours = Math.floor(micros / 3_600_000_000);
  const minutes = Math.floor(micros / 60_000_000) % 60;
  const seconds = Math.floor(micros / 1_000_000) % 60;
  const fraction = micros % 1_000_000;
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${hours}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(fraction, 6)}`;
}

/** Milliseconds on the monotonic clock (CLOCK_MONOTONIC on Linux: the same in every process). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
