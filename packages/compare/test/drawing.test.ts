// The pieces of the drawings, checked on hand-made data.
import { describe, expect, it } from 'vitest';

import {
  escapeXml,
  idealMs,
  planServers,
  renderBars,
  renderText,
  row,
  seconds,
  ttyProgress,
  type Comparison,
  type Lane,
  type StageInfo,
  type StageResult,
} from '../src/index.js';
import { parseXml } from './xml.js';

describe('a timeline row', () => {
  const lane = (over: Partial<Lane>): Lane => ({ label: '1 x', outcome: 'done', arrivals: [], ...over });

  it('shows waiting for its turn, then the connection, the reads and the end', () => {
    // 10 columns of 100 ms: connected at 300 ms, reads at 350 and 620 ms, done at 800 ms.
    expect(row(lane({ connectedMs: 300, arrivals: [350, 620], endMs: 800 }), 10, 100)).toBe('...#--#-| ');
  });

  it('marks a failed task with an x where it ended', () => {
    expect(row(lane({ connectedMs: 0, arrivals: [50], endMs: 450, outcome: 'failed' }), 6, 100)).toBe('#---x ');
  });

  it('keeps a task that never connected waiting to the end of the axis', () => {
    expect(row(lane({ outcome: 'missing' }), 5, 100)).toBe('.....');
  });
});

describe('progress bars', () => {
  it('fill in proportion to the bytes that arrived, without running past full', () => {
    expect(
      renderBars(
        [
          { label: 'a.txt', got: 50, expected: 100 },
          { label: 'long.txt', got: 300, expected: 200 },
        ],
        10,
      ),
    ).toEqual(['    a.txt     [#####     ]  50/100 bytes', '    long.txt  [##########]  300/200 bytes']);
  });
});

describe('the live display on a terminal', () => {
  it('draws a bar per task, redraws over itself, and leaves one summary line per stage', () => {
    let screen = '';
    const progress = ttyProgress({ write: (text: string) => (screen += text) });
    const stage = { stage: 3, title: 'toy concurrent', concurrent: true } as StageInfo;
    progress.started(stage, [
      { label: 'a.txt', expectedBytes: 100 },
      { label: 'b.txt', expectedBytes: 40 },
    ]);
    progress.bytes(1, 50);
    progress.bytes(2, 40);
    progress.finished(stage, {
      ok: true,
      idealMs: 900,
      ideal: 'max',
      ratio: 1.01,
      run: { totalMs: 909, tasks: [{ whole: true }, { whole: true }] },
    } as StageResult);
    expect(screen).toContain('stage 3 (toy concurrent): downloading all at once');
    expect(screen).toContain('\x1b[3A\x1b[J'); // the three lines drawn are cleared at the end
    expect(screen.endsWith('stage 3 (toy concurrent): 2 of 2 poems in 0.909 s (ideal 0.900 s, the max; ratio 1.01)\n')).toBe(
      true,
    );
  });
});

describe('the live display, timed', () => {
  it('redraws the bars every tenth of a second while a stage runs, never more often', async () => {
    const draws: number[] = [];
    const progress = ttyProgress({
      write: (text: string) => {
        if (text.includes('downloading')) draws.push(performance.now());
      },
    });
    const stage = { stage: 3, title: 'toy concurrent', concurrent: true } as StageInfo;
    progress.started(stage, [{ label: 'a.txt', expectedBytes: 100 }]);
    await new Promise((resolve) => setTimeout(resolve, 450));
    progress.finished(stage, {
      ok: true,
      idealMs: 1,
      ideal: 'max',
      ratio: 1,
      run: { totalMs: 1, tasks: [] },
    } as unknown as StageResult);
    // The first drawing at once, then redraws: at least one in 450 ms, even on a loaded machine, at most
    // four, and none much sooner than 100 ms after the last (slack: Node times its timers from the event
    // loop's clock, which can be a few milliseconds behind the moment the last one was drawn).
    expect(draws.length).toBeGreaterThanOrEqual(2);
    expect(draws.length).toBeLessThanOrEqual(1 + 4);
    for (let i = 1; i < draws.length; i++) expect(draws[i]! - draws[i - 1]!).toBeGreaterThanOrEqual(90);
  });
});

describe("the tutorial's servers", () => {
  it("give ideal downloads of 9.2 s, 5.9 s and 6.6 s at the tutorial's pace: 21.7 s one by one", () => {
    const ideals = planServers({}).map(idealMs);
    expect(ideals.map((ms) => Math.round(ms))).toEqual([9200, 5900, 6600]);
    expect(Math.round(ideals.reduce((a, b) => a + b, 0))).toBe(21_700);
  });
});

describe('the report on a busy machine', () => {
  // Only the machine's part of a result matters to the note.
  const withLoad = (loadBefore: number, loadAfter: number): string =>
    renderText(
      { servers: [], stages: [], failures: [], ok: true, machine: { cpus: 2, loadBefore, loadAfter } } as unknown as Comparison,
      100,
    );

  it('adds a note when the load average before or after the run was above the number of processors', () => {
    expect(withLoad(2.5, 1)).toContain('note: the machine was busy (load average 2.5 before, 1.0 after, on 2 processors)');
    expect(withLoad(1, 3)).toContain('note: the machine was busy');
    expect(withLoad(2, 1.9)).not.toContain('note: the machine was busy');
  });
});

describe('text in SVG', () => {
  it('is escaped so that any poem name or error stays well-formed', () => {
    const text = `Tom & Jerry's <poem> "quoted"`;
    const svg = parseXml(`<svg><text>${escapeXml(text)}</text><g id="${escapeXml(text)}"/></svg>`);
    expect(svg.children[0]!.text).toBe(text);
    expect(svg.children[1]!.attributes['id']).toBe(text);
  });

  it('the test reader itself rejects what is not well-formed', () => {
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow(/entity/);
    expect(() => parseXml('<svg><g></svg>')).toThrow(/expected <\/g>/);
    expect(() => parseXml('<svg x=1/>')).toThrow(/malformed/);
  });
});

describe('durations', () => {
  it('read in seconds, with more digits when short', () => {
    expect(seconds(21834.2)).toBe('21.83 s');
    expect(seconds(1094.4)).toBe('1.094 s');
    expect(seconds(3.6)).toBe('0.004 s');
  });
});
