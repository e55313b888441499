// compare, end to end: the real launcher, real slow servers on loopback, and toy
// stages (test-kit's toys/toy-client.js) whose behaviour we know, so each
// column of the report can be checked against what it must show.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Comparison, StageResult } from '../src/index.js';
import { renderText } from '../src/index.js';
import { runCompare, type CompareRun } from './run-compare.js';
import { makeToyStages, toySignature } from '@slow-poetry/test-kit';
import { allElements, parseXml } from './xml.js';

const toys = makeToyStages([
  { stage: 1, mode: 'sequential' },
  { stage: 2, mode: 'concurrent' },
  { stage: 3, mode: 'hog' },
  { stage: 4, mode: 'concurrent', placeholder: true },
  { stage: 5, mode: 'concurrent', unbuilt: true },
]);
const svgDir = mkdtempSync(join(tmpdir(), 'compare-svg-'));
let run: CompareRun;
let result: Comparison;
const stage = (n: number): StageResult => result.stages.find((s) => s.stage === n)!;

beforeAll(async () => {
  run = await runCompare(['--packages', toys.dir, '--speed', '20', '--json', '--svg', svgDir]);
  result = JSON.parse(run.stdout) as Comparison;
}, 40_000);

afterAll(() => {
  toys.remove();
  rmSync(svgDir, { recursive: true, force: true });
});

describe('a comparison of toy stages at speed 20', () => {
  it('exits 0 with JSON alone on stdout when every stage that ran got every poem', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.failures).toEqual([]);
  });

  it('describes the servers: the tutorial scene, every delay divided by the speed', () => {
    expect(result.version).toBe(1);
    expect(result.speed).toBe(20);
    expect(result.servers.map((s) => [s.poem, s.numBytes, s.delayMs])).toEqual([
      ['ecstasy.txt', 30, 5],
      ['fascination.txt', 10, 5],
      ['science.txt', 10, 5],
    ]);
    for (const server of result.servers) {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(server.chunks).toBe(Math.ceil(server.bytes / server.numBytes));
      expect(server.idealMs).toBeCloseTo((server.chunks - 1) * 5, 6);
    }
  });

  it('has the --json shape other tools rely on', () => {
    expect(typeof result.totalMeasuredBy).toBe('string');
    expect(result.machine).toEqual({ cpus: expect.any(Number), loadBefore: expect.any(Number), loadAfter: expect.any(Number) });
    expect(result.axisMs).toBeGreaterThan(0);
    for (const s of result.stages) {
      expect(s).toMatchObject({
        stage: expect.any(Number),
        title: expect.any(String),
        dir: expect.any(String),
        bin: expect.any(String),
        concurrent: expect.any(Boolean),
        returns: expect.any(String),
        signature: expect.any(Array),
        status: expect.stringMatching(/^(ran|skipped)$/),
        idealMs: expect.any(Number),
        ideal: expect.stringMatching(/^(sum|max)$/),
        ok: expect.any(Boolean),
        failures: expect.any(Array),
      });
      if (s.status === 'skipped') {
        expect(s.note).toEqual(expect.any(String));
        expect(s.run).toBeUndefined();
        continue;
      }
      expect(s.ratio).toEqual(expect.any(Number));
      expect(s.run).toMatchObject({
        totalMs: expect.any(Number),
        processMs: expect.any(Number),
        startupMs: expect.any(Number),
        exitCode: 0,
        loop: { maxDelayMs: expect.any(Number), heldMs: expect.any(Number), wallMs: expect.any(Number) },
      });
      expect(s.run!.tasks).toHaveLength(3);
      for (const [i, task] of s.run!.tasks.entries()) {
        expect(task).toMatchObject({
          task: i + 1,
          address: result.servers[i]!.address,
          poem: result.servers[i]!.poem,
          expectedBytes: result.servers[i]!.bytes,
          status: 'done',
          bytes: result.servers[i]!.bytes,
          whole: true,
          connectedMs: expect.any(Number),
          endMs: expect.any(Number),
        });
        const bytes = task.chunks.reduce((sum, [, n]) => sum + n, 0);
        expect(bytes).toBe(task.expectedBytes);
      }
    }
  });

  it('takes the API row from the package: its getPoetry declaration and its one-line answer', () => {
    expect(stage(1).signature).toEqual([toySignature('sequential')]);
    expect(stage(2).signature).toEqual([toySignature('concurrent')]);
    expect(stage(2).returns).toBe('a toy answer for concurrent');
  });

  it('skips a stage that is not written or not built, and says why', () => {
    expect(stage(4)).toMatchObject({ status: 'skipped', note: expect.stringContaining('not written yet') });
    expect(stage(5)).toMatchObject({ status: 'skipped', note: expect.stringContaining('not built yet') });
  });

  it('finds a one-by-one client close to the sum of the downloads, an all-at-once one close to the slowest', () => {
    const sequential = stage(1);
    const concurrent = stage(2);
    const sum = result.servers.reduce((total, s) => total + s.idealMs, 0);
    const max = Math.max(...result.servers.map((s) => s.idealMs));
    expect(sequential).toMatchObject({ ideal: 'sum', idealMs: sum });
    expect(concurrent).toMatchObject({ ideal: 'max', idealMs: max });
    // Never faster than the servers' schedule (bar a timer's granularity); slack above for a busy machine.
    for (const s of [sequential, concurrent]) {
      expect(s.ratio).toBeGreaterThan(0.95);
      expect(s.ratio).toBeLessThan(1.8);
    }
    expect(sequential.run!.totalMs).toBeGreaterThan(1.5 * concurrent.run!.totalMs);
  });

  it('shows in the timelines that one-by-one tasks wait for their turn and all-at-once ones overlap', () => {
    const [a, b, c] = stage(1).run!.tasks;
    expect(b!.connectedMs!).toBeGreaterThanOrEqual(a!.endMs! - 1);
    expect(c!.connectedMs!).toBeGreaterThanOrEqual(b!.endMs! - 1);
    const tasks = stage(2).run!.tasks;
    const firstEnd = Math.min(...tasks.map((t) => t.endMs!));
    for (const task of tasks) expect(task.connectedMs!).toBeLessThan(firstEnd);
  });

  it('sees the event loop held by a client that hogs its thread, and free in one that does not', () => {
    const hog = stage(3).run!.loop!;
    const free = stage(2).run!.loop!;
    expect(hog.maxDelayMs).toBeGreaterThan(800);
    expect(free.maxDelayMs).toBeLessThan(hog.maxDelayMs / 3);
  });

  it('draws the report from the result: API rows, time rows, the thread column and a timeline per stage', () => {
    const text = renderText(result, 100);
    expect(text).toMatch(/^ {2}1 toy sequential +getPoetry\(address: Address, mode: 'sequential'\): Promise<Uint8Array>$/m);
    expect(text).toContain('returns: a toy answer for concurrent');
    expect(text).toMatch(/^ {2}1 toy sequential +one by one +[\d.]+ s +[\d.]+ s \(sum\) +[\d.]+×/m);
    expect(text).toMatch(/^ {2}2 toy concurrent +all at once +[\d.]+ s +[\d.]+ s \(max\) +[\d.]+×/m);
    expect(text).toMatch(/^ {2}3 toy hog +(0\.[89]\d\d|\d+\.\d+) s +[\d.]+ s +\d+ %$/m);
    expect(text).toContain('skipped stage 4 toy concurrent: not written yet');
    // The sequential stage's last task waits for its turn before any bytes arrive.
    const rows = text.split('\n').filter((line) => line.startsWith('    3 science.txt'));
    expect(rows).toHaveLength(6); // three stages on the shared axis, then the same three up close
    expect(rows[0]).toMatch(/^ {4}3 science\.txt +\.{10,}[-#]*#[-#]*\|/);
    expect(rows[1]).toMatch(/^ {4}3 science\.txt +[-#]{0,2}#[-#]*\| /);
    // Up close, a column is a quarter of a tick: reads are '#' apart, with the waiting between them as '-'
    // (two reads a timer's jitter apart can share a column or sit side by side: '##').
    expect(text).toContain("one column = 1.25 ms, a quarter of the servers' tick");
    expect(rows[3]).toMatch(/^ {4}3 science\.txt +\.+$/);
    expect(rows[4]).toMatch(/^ {4}3 science\.txt +[.-]*(#+-+){5,}/);
    expect(text).toContain('Every poem arrived whole, byte for byte, in 3 stages.');
  });

  it('writes each timeline and a combined figure as well-formed SVG', () => {
    expect(readdirSync(svgDir).sort()).toEqual([
      'comparison.svg',
      'stage-1-toy-sequential.svg',
      'stage-2-toy-concurrent.svg',
      'stage-3-toy-hog.svg',
    ]);
    for (const file of readdirSync(svgDir)) {
      const svg = parseXml(readFileSync(join(svgDir, file), 'utf8'));
      expect(svg.name).toBe('svg');
      expect(svg.attributes['xmlns']).toBe('http://www.w3.org/2000/svg');
      expect(allElements(svg).some((e) => e.name === 'title')).toBe(true);
    }
    const combined = parseXml(readFileSync(join(svgDir, 'comparison.svg'), 'utf8'));
    const texts = allElements(combined)
      .filter((e) => e.name === 'text')
      .map((e) => e.text);
    expect(texts.filter((t) => /^Stage \d \(toy/.test(t))).toHaveLength(3);
    // A mark per read: each task's path has as many "v16" strokes as it had reads.
    const marks = allElements(combined)
      .filter((e) => e.name === 'path' && /v16/.test(e.attributes['d'] ?? ''))
      .map((e) => e.attributes['d']!.split('v16').length - 1);
    const reads = result.stages.filter((s) => s.status === 'ran').flatMap((s) => s.run!.tasks.map((t) => t.chunks.length));
    expect(marks.slice(0, reads.length)).toEqual(reads);
  });
});
