// The Canceller: one cancellation for many downloads, a signal shared by at most
// `downloadsPerSignal` of them (canceller.ts says why neither one nor one each).
import { describe, expect, it } from 'vitest';

import { Canceller } from '../src/canceller.js';

describe('Canceller', () => {
  it('hands out one signal per 100 downloads by default: the 101st download gets a new one', () => {
    const cancel = new Canceller();
    const signals = Array.from({ length: 250 }, () => cancel.signal());
    expect(new Set(signals).size).toBe(3);
    expect(new Set(signals.slice(0, 100)).size).toBe(1);
    expect(signals[100]).not.toBe(signals[99]);
    expect(new Set(signals.slice(100, 200)).size).toBe(1);
  });

  it('takes a hundred listeners on one signal without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): number => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const cancel = new Canceller();
      for (let i = 0; i < 100; i += 1) cancel.signal().addEventListener('abort', () => {});
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('aborts every signal handed out, with the reason, and every one handed out afterwards', () => {
    const cancel = new Canceller(2);
    const before = Array.from({ length: 5 }, () => cancel.signal());
    expect(cancel.aborted).toBe(false);
    expect(before.some((signal) => signal.aborted)).toBe(false);
    const reason = new Error('stop');
    cancel.abort(reason);
    expect(cancel.aborted).toBe(true);
    for (const signal of before) {
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe(reason);
    }
    expect(cancel.signal().aborted).toBe(true);
  });

  it("calls each download's abort listener once", () => {
    const cancel = new Canceller(3);
    let calls = 0;
    for (let i = 0; i < 7; i += 1) cancel.signal().addEventListener('abort', () => (calls += 1), { once: true });
    cancel.abort();
    cancel.abort();
    expect(calls).toBe(7);
  });
});
