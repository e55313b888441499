// Reading numbers from a command line strictly: plain decimal digits, a range,
// and a one-line UsageError that names the option and echoes what was given.
import { UsageError } from './usage-error.js';

/**
 * The longest a Node timer can wait: setTimeout turns anything above 2³¹−1 ms
 * into 1 ms (with a TimeoutOverflowWarning), so a longer duration would quietly
 * become "at once". Every duration option is checked against it.
 */
export const maxTimerSeconds = (2 ** 31 - 1) / 1000;

/** A whole number in [min, max], written in plain decimal digits. */
export function readInteger(option: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^[+]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${option} takes a whole number ${range}, not '${text}'`);
  }
  return value;
}

/** A finite decimal number, zero or more (`1`, `0.5`, `.5`, `1e3`), or NaN. */
function readDecimal(text: string): number {
  return /^[+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
}

/**
 * A duration in seconds: a finite decimal number, zero or more, and no longer
 * than a timer can wait (`maxTimerSeconds`, about 24.8 days).
 */
export function readSeconds(option: string, text: string): number {
  const value = readDecimal(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`${option} takes a number of seconds, zero or more, not '${text}'`);
  }
  checkTimerSeconds(option, value, text);
  return value;
}

/** A duration in seconds that must be above zero (a timeout of 0 would fail every task at once). */
export function readPositiveSeconds(option: string, text: string): number {
  const value = readSeconds(option, text);
  if (value === 0) throw new UsageError(`${option} must be more than zero seconds`);
  return value;
}

/** A positive factor, such as a speed-up: the same grammar as seconds, but no number of seconds. */
export function readFactor(option: string, text: string): number {
  const value = readDecimal(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${option} takes a number above zero, such as 10 or 0.5, not '${text}'`);
  }
  return value;
}

/**
 * Refuse a duration a timer cannot hold. `what` is the option, or a phrase for
 * a duration computed from several options (`--delay ÷ --speed`).
 */
export function checkTimerSeconds(what: string, seconds: number, given = String(seconds)): void {
  if (seconds > maxTimerSeconds) {
    throw new UsageError(
      `${what} is at most ${Math.floor(maxTimerSeconds)} seconds (about 24 days, the longest a timer can wait), not '${given}'`,
    );
  }
}
