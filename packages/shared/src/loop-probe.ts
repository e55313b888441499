// How long was Node's event loop held? A timer that should fire every few
// milliseconds notes how late it runs. A client that blocks the thread (stages 1
// and 2) makes it miss every tick: the whole download shows up as one long delay.

import { monotonicMs } from './duration.js';

export interface LoopStats {
  /** The longest time the loop could not run a due timer. */
  maxDelayMs: number;
  /** All such delays added up: time the thread was held by something else. */
  heldMs: number;
  /** How long the probe ran. */
  wallMs: number;
}

export interface LoopProbe {
  stop(): LoopStats;
}

export function startLoopProbe(intervalMs = 5): LoopProbe {
  const startedAt = monotonicMs();
  let expected = startedAt + intervalMs;
  let maxDelayMs = 0;
  let heldMs = 0;
  const note = (now: number): void => {
    const delay = Math.max(0, now - expected);
    maxDelayMs = Math.max(maxDelayMs, delay);
    heldMs += delay;
  };
  const timer = setInterval(() => {
    const now = monotonicMs();
    note(now);
    expected = now + intervalMs;
  }, intervalMs);
  timer.unref(); // the probe never keeps a client alive

  return {
    stop() {
      clearInterval(timer);
      // A thread that was held until now never let the timer run: count that too.
      note(monotonicMs());
      return { maxDelayMs, heldMs, wallMs: monotonicMs() - startedAt };
    },
  };
}
