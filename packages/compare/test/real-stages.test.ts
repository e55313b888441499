// compare against the course's own stages, as `pnpm compare` runs them, at
// speed 10: slow enough that a blocking stage's hold stands far above the
// stalls a busy machine causes. A stage that is not written or built yet must
// be skipped with a note; every stage that runs must get every poem, take about
// the sum (one by one) or about the slowest download (all at once), and show in
// the event-loop column whether it held its thread.
import { beforeAll, describe, expect, it } from 'vitest';

import type { Comparison, StageResult } from '../src/index.js';
import { runCompare, type CompareRun } from './run-compare.js';

/** The stages whose clients wait by stopping their thread (a blocking recv, a blocking select). */
const blocking = new Set([1, 2]);

let run: CompareRun;
let result: Comparison;
let ran: StageResult[];

beforeAll(async () => {
  run = await runCompare(['--speed', '10', '--json']);
  result = JSON.parse(run.stdout) as Comparison;
  ran = result.stages.filter((s) => s.status === 'ran');
}, 60_000);

describe("compare on this repository's stages at speed 10", () => {
  it('runs every built stage and skips the others with a reason', () => {
    expect(result.stages.map((s) => s.stage)).toEqual([1, 2, 3, 4, 5]);
    for (const stage of result.stages) {
      if (stage.status === 'skipped') expect(stage.note).toMatch(/^not (written|built) yet/);
      else expect(stage.signature.length).toBeGreaterThan(0);
    }
    expect(ran.length).toBeGreaterThan(0);
  });

  it('gets every poem whole in every stage that ran', () => {
    expect(result.failures).toEqual([]);
    expect(run.code).toBe(0);
    for (const stage of ran) expect(stage.run!.tasks.every((t) => t.whole)).toBe(true);
  });

  it('finds each stage close to its ideal: the sum one by one, the slowest all at once', () => {
    for (const stage of ran) {
      expect(stage.ideal).toBe(stage.concurrent ? 'max' : 'sum');
      expect(stage.ratio, `stage ${stage.stage}`).toBeGreaterThan(0.95);
      expect(stage.ratio, `stage ${stage.stage}`).toBeLessThan(1.6);
    }
  });

  it('shows the blocking stages holding their thread for the download, the others leaving it free', () => {
    for (const stage of ran) {
      const loop = stage.run!.loop!;
      if (blocking.has(stage.stage)) expect(loop.maxDelayMs, `stage ${stage.stage}`).toBeGreaterThan(0.8 * stage.run!.totalMs);
      else expect(loop.maxDelayMs, `stage ${stage.stage}`).toBeLessThan(0.5 * stage.run!.totalMs);
    }
    // Far apart: the shortest hold of a blocking stage against the longest stall of the others.
    const held = ran.filter((s) => blocking.has(s.stage)).map((s) => s.run!.loop!.maxDelayMs);
    const free = ran.filter((s) => !blocking.has(s.stage)).map((s) => s.run!.loop!.maxDelayMs);
    if (held.length > 0 && free.length > 0) expect(Math.min(...held)).toBeGreaterThan(3 * Math.max(...free));
  });
});
