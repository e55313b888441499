// The pieces of the drawings, checked on hand-made data.
import { describe, expect, it } from 'vitest';

import { escapeXml, renderBars, row, seconds, ttyProgress, type Lane, type StageInfo, type StageResult } from '../src/index.js';
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
