import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseTrace } from '@slow-poetry/shared';
import {
  cliAt,
  closeServers,
  describeClientCli,
  describeTaskGroupCli,
  durationPattern,
  poem,
  poemPath,
  scratchDir,
  serve,
  serveProcess,
  sleep,
  until,
} from '@slow-poetry/test-kit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const client = {
  program: 'get-poetry-callbacks',
  cliPath: fileURLToPath(new URL('../dist/cli.js', import.meta.url)),
};

// Every behaviour this CLI shares with stages 5 and 6 (the tutorial's lines, a
// failed task, timeouts, --out, --trace, bad input, Ctrl-C, | head) is one suite;
// --fail-fast and --concurrency are another.
describeClientCli(client);
describeTaskGroupCli(client);

// What the README shows of them at this stage.
const { runCli } = cliAt(client.cliPath);

/** The events of a trace file, as written so far (none before the client has made it). */
const traceOf = (file: string): ReturnType<typeof parseTrace> => (existsSync(file) ? parseTrace(readFileSync(file, 'utf8')) : []);

/** The seconds in a summary line's `H:MM:SS.ffffff`. */
const seconds = (summary: string | undefined): number => {
  const [, h, m, s] = /(\d+):(\d\d):(\d\d\.\d+)/.exec(summary ?? '') ?? [];
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
};

describe('the callbacks CLI, as its README tells it', () => {
  const scratch = scratchDir('slow-poetry-3-cli-');
  afterEach(closeServers);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('with --fail-fast, closes the other downloads: each of their servers logs that its client went away', async () => {
    const failing = await serveProcess(['--num-bytes', '10', '--delay', '0.04', '--reset-after', '30', poemPath('ecstasy.txt')]);
    const others = await Promise.all(
      [1, 2].map(() => serveProcess(['--num-bytes', '10', '--delay', '0.02', poemPath('science.txt')])),
    );
    const run = await runCli(['--quiet', '--fail-fast', ...[failing, ...others].map((server) => String(server.port))]);
    expect(run.code).toBe(1);
    expect(run.lines.at(-1)).toMatch(/; 1 task failed; 2 cancelled \(tasks 2, 3\)$/);
    for (const server of others)
      await until(() => server.lines.some((line) => /^127\.0\.0\.1:\d+ went away after \d+ bytes: /.test(line)));
  });

  it('against a server that serves one client at a time, times out the downloads kept waiting at once, and finishes every one with --concurrency 1', async () => {
    // The README's experiment at 0.8 times its pace: 0.48 s a poem (7 chunks), a 0.8 s timeout.
    const server = await serve({ poem: poem('science.txt'), oneAtATime: true, numBytes: 100, delay: 0.08 });
    const five = Array.from({ length: 5 }, () => String(server.port));

    const atOnce = await runCli(['--quiet', '--timeout', '0.8', ...five]);
    expect(atOnce.code).toBe(1);
    // Tasks 1 and 2 get their first bytes at 0 and 0.48 s; the third one's turn comes at 0.96 s, past its timeout.
    expect(atOnce.lines.filter((line) => / finished$/.test(line)).sort()).toEqual(['Task 1 finished', 'Task 2 finished']);
    const failures = atOnce.lines.filter((line) => line.includes('failed to get poetry'));
    expect(failures.map((line) => line.split(':')[0]).sort()).toEqual(['Task 3', 'Task 4', 'Task 5']);
    for (const line of failures) expect(line).toMatch(/timed out \(ETIMEDOUT\)/);
    expect(atOnce.lines.at(-1)).toMatch(new RegExp(`^Got 2 poems in ${durationPattern}; 3 tasks failed$`));

    const inTurn = await runCli(['--quiet', '--timeout', '0.8', '--concurrency', '1', ...five]);
    expect(inTurn.code).toBe(0);
    expect(inTurn.lines.at(-1)).toMatch(/^Got 5 poems in /);
    // The sum of their times: the server serves them in turn either way.
    expect(seconds(inTurn.lines.at(-1))).toBeGreaterThanOrEqual(5 * 0.48);
    expect(seconds(inTurn.lines.at(-1))).toBeLessThan(1.5 * 5 * 0.48);
  });

  it('finishes its downloads with its stdout piped to a reader that does not read: the lines wait in memory, and every one arrives when the reader reads', async () => {
    const server = await serve({ poem: poem('science.txt'), numBytes: 1, delay: 0.001 }); // 666 chunks: a line each
    const trace = join(scratch, 'unread.jsonl');
    const child = spawn(
      process.execPath,
      [client.cliPath, '--trace', trace, ...Array.from({ length: 10 }, () => String(server.port))],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.pause(); // nobody reads: the pipe (64 KiB) fills, and so does our side's buffer
    await until(() => traceOf(trace).some((event) => event.event === 'end'));
    const end = traceOf(trace).at(-1);
    expect(end?.event === 'end' && [end.result.status, end.result.poems]).toEqual([0, 10]); // the run is over…
    await sleep(300);
    expect(child.exitCode).toBeNull(); // …but the process waits, holding the lines nobody took

    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stdout.resume(); // the reader reads at last
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    const chunks = traceOf(trace).filter((event) => event.event === 'chunk').length;
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => / bytes of poetry from /.test(line))).toHaveLength(chunks); // not one lost
    expect(lines.at(-1)).toMatch(/^Got 10 poems in /);
    expect(stdout.length).toBeGreaterThan(256 * 1024); // more than the pipe and our buffer could hold
  });

  it("writes stdout to a file before write() returns, and keeps in memory what an unread pipe cannot take (Node's rule on POSIX)", async () => {
    const source = "process.stdout.write('x'.repeat(1_000_000)); process.stderr.write(String(process.stdout.writableLength));";
    const file = openSync(join(scratch, 'out.txt'), 'w');
    const toFile = spawnSync(process.execPath, ['-e', source], { stdio: ['ignore', file, 'pipe'], encoding: 'utf8' });
    closeSync(file);
    expect(Number(toFile.stderr)).toBe(0); // written, all of it, before write() returned

    const toPipe = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
    toPipe.stdout.pause();
    let waiting = '';
    toPipe.stderr.setEncoding('utf8').on('data', (text: string) => (waiting += text));
    await until(() => waiting !== '');
    expect(Number(waiting)).toBeGreaterThan(500_000); // most of the megabyte is still in the process's memory
    toPipe.stdout.resume();
    await new Promise((resolve) => toPipe.once('close', resolve));
  });
});
