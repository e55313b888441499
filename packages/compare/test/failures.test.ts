// When something goes wrong: a task that fails, a poem that arrives short but
// is called whole, and bad input on compare's own command line.
import { readFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import type { Comparison } from '../src/index.js';
import { runCompare, runCompareIntoClosedPipe } from './run-compare.js';
import { makeToyStages } from '@slow-poetry/test-kit';

const toys = makeToyStages([
  { stage: 1, mode: 'broken' },
  { stage: 2, mode: 'liar' },
  { stage: 3, mode: 'concurrent' },
]);
afterAll(() => toys.remove());

describe('a stage whose task fails', () => {
  it('exits 1 and names the failing stage and task, while the other stages still run', async () => {
    const run = await runCompare(['--packages', toys.dir, '--speed', '20', '--width', '80']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^ {2}stage 1 \(toy broken\), task 2 \(fascination\.txt from 127\.0\.0\.1:\d+\): gave up on purpose$/m,
    );
    // The liar said "done" with a byte missing: compare checks every poem byte for byte.
    expect(run.stdout).toMatch(
      /^ {2}stage 2 \(toy liar\), task 1 \(ecstasy\.txt from 127\.0\.0\.1:\d+\): the poem differs from the server's \(2763 bytes, expected 2764\)$/m,
    );
    // Not a terminal: a plain line as each stage starts and one as it ends.
    expect(run.stdout).toMatch(/^stage 3 \(toy concurrent\): downloading 3 poems all at once…$/m);
    expect(run.stdout).toMatch(/^stage 3 \(toy concurrent\): 3 of 3 poems in [\d.]+ s/m);
    expect(run.stdout).toContain('FAILED:');
    // The failed task's row ends in an x.
    expect(run.stdout).toMatch(/^ {4}2 fascination\.txt +[-#.]*x +[\d.]+ s$/m);
  });

  it('puts the failures in --json too, and names them on stderr', async () => {
    const run = await runCompare(['--packages', toys.dir, '--speed', '20', '--json', '--stages', '1']);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as Comparison;
    expect(result.ok).toBe(false);
    expect(result.stages.map((s) => s.stage)).toEqual([1]);
    expect(result.stages[0]!.run!.tasks.map((t) => t.status)).toEqual(['done', 'failed', 'done']);
    expect(result.failures).toHaveLength(1);
    expect(run.stderr).toMatch(/^slow-poetry-compare: stage 1 \(toy broken\), task 2 .*gave up on purpose\n$/);
  });
});

describe('a stage that cannot finish', () => {
  const crashing = makeToyStages([{ stage: 1, mode: 'crash' }]);
  const unwritten = makeToyStages([{ stage: 1, mode: 'concurrent', placeholder: true }]);
  afterAll(() => {
    crashing.remove();
    unwritten.remove();
  });

  it('is named with what went wrong when its client dies mid-run', async () => {
    const run = await runCompare(['--packages', crashing.dir, '--speed', '20', '--json']);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as Comparison;
    expect(result.stages[0]!.run).toMatchObject({ exitCode: 3, problem: 'exited with status 3' });
    expect(result.failures[0]).toBe('stage 1 (toy crash): exited with status 3');
    expect(result.failures.slice(1)).toEqual([
      expect.stringMatching(/^stage 1 \(toy crash\), task 1 \(ecstasy\.txt from .*\): the client never reported this task$/),
      expect.stringMatching(/task 2 .*never reported/),
      expect.stringMatching(/task 3 .*never reported/),
    ]);
  });

  it('stops quietly, without a stack trace, when its reader goes away (| head)', async () => {
    const run = await runCompareIntoClosedPipe(['--packages', crashing.dir, '--speed', '20']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
  });

  it('fails the comparison when no stage could run at all', async () => {
    const run = await runCompare(['--packages', unwritten.dir, '--json']);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as Comparison;
    expect(result.stages[0]).toMatchObject({ status: 'skipped', note: expect.stringMatching(/^not written yet/) });
    expect(result.failures).toEqual(['no stage could run (see the notes above)']);
  });
});

describe("compare's command line", () => {
  it.each([
    [['--speed', '0'], "--speed takes a number above zero, such as 10 or 0.5, not '0'"],
    [['--speed', 'fast'], "--speed takes a number above zero, such as 10 or 0.5, not 'fast'"],
    [['--speed=-1'], "--speed takes a number above zero, such as 10 or 0.5, not '-1'"],
    [['--stages', '9'], '--stages: there is no stage 9 (found: 1, 2, 3)'],
    [['--stages', 'one'], "--stages takes a whole number at least 0, not 'one'"],
    [['--poems', 'no-such-poem.txt'], "cannot read poem 'no-such-poem.txt': no such file"],
    [['--poems', '.'], "cannot read poem '.': it is a folder"],
    [['--num-bytes', '0'], "--num-bytes takes a whole number from 1 to 16777216, not '0'"],
    [['--delay', '0'], "--delay takes a number of seconds above zero, such as 0.1, not '0'"],
    [['--delay', 'slow'], "--delay takes a number of seconds above zero, such as 0.1, not 'slow'"],
    [['--bogus'], "unknown option '--bogus' (see --help)"],
    [['10000'], "unexpected argument '10000' (see --help)"],
  ])('rejects %j in one line with exit status 2', async (args, message) => {
    const run = await runCompare(['--packages', toys.dir, ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`slow-poetry-compare: ${message}\n`);
  });

  it('explains itself with --help', async () => {
    const run = await runCompare(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: slow-poetry-compare \[options\]/);
    for (const option of ['--speed', '--stages', '--poems', '--num-bytes', '--delay', '--svg', '--json']) {
      expect(run.stdout).toContain(option);
    }
  });

  it('documents in the README table every option its --help lists, and no other', async () => {
    const help = (await runCompare(['--help'])).stdout;
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('## Options');
    const table = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const inHelp = [...help.matchAll(/^ {2}(?:-h, )?(--[\w-]+)/gm)].map((match) => match[1]);
    const inTable = [...table.matchAll(/^\| (?:`-h`, )?`(--[\w-]+)/gm)].map((match) => match[1]);
    expect(inTable.sort()).toEqual(inHelp.sort());
    expect(inHelp).toContain('--version');
    // What --help lists, the launcher answers.
    expect((await runCompare(['--version'])).stdout).toMatch(/^slow-poetry-compare \d+\.\d+\.\d+\n$/);
  });

  it("takes the reader's own poems and server settings", async () => {
    const run = await runCompare([
      '--packages',
      toys.dir,
      '--stages',
      '3',
      '--json',
      '--poems',
      'alla-sera.txt,science.txt',
      '--num-bytes',
      '50',
      '--delay',
      '0.004',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Comparison;
    expect(result.servers.map((s) => [s.poem, s.numBytes, s.delayMs, s.chunks])).toEqual([
      ['alla-sera.txt', 50, 4, 12],
      ['science.txt', 50, 4, 14],
    ]);
    expect(result.stages[0]!.run!.tasks.every((t) => t.whole)).toBe(true);
  });
});
