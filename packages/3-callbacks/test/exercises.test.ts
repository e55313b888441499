// The README's exercises, each as the experiment its answer describes. An
// exercise that changes the stage's code is built from its patch
// (exercises/NAME.patch) into a scratch copy, once, as `pnpm exercise 3 NAME`
// does, and the copy is run; the others run the stage itself.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { parseTrace } from '@slow-poetry/shared';
import {
  closedPort,
  closeServers,
  cliAt,
  connectedTasks,
  poem,
  runCli,
  runScript,
  scratchDir,
  serve,
  sleep,
  unansweredPort,
} from '@slow-poetry/test-kit';
import { buildExercise, findExercise, type BuiltExercise } from '@slow-poetry/exercise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { getPoetry as GetPoetry } from '../src/get-poetry.js';
import { callsPerEnding } from './every-ending.js';

const stage = cliAt(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));
const scratch = scratchDir('slow-poetry-exercises-3-');
const build = (name: string): BuiltExercise => buildExercise(findExercise('3', name), scratch);

afterEach(closeServers);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The events of a trace file, as written so far. */
const traceOf = (file: string): ReturnType<typeof parseTrace> => parseTrace(readFileSync(file, 'utf8'));

describe('no-once-guard: finish() without `if (called) return;`', () => {
  let patched: BuiltExercise;
  beforeAll(() => {
    patched = build('no-once-guard');
  }, 60_000);

  it("fails the test 'calls back exactly once': every download that had a socket calls back twice, the second time from 'close'", async () => {
    const { getPoetry } = (await import(pathToFileURL(join(patched.dir, 'dist', 'get-poetry.js')).href)) as {
      getPoetry: typeof GetPoetry;
    };
    const closed = 'connection closed before the end of the poem';
    expect(await callsPerEnding(getPoetry)).toEqual([
      ['poem', closed],
      ['poem', closed],
      ['ECONNRESET', closed],
      ['ECONNREFUSED', closed],
      ['ETIMEDOUT', closed],
      ['EPOEMTOOLONG', closed],
      ['ABORT_ERR', closed],
      ['ABORT_ERR'], // cancelled before it started: no socket, no 'close'
    ]);
  });

  it('makes the CLI count each download twice: the summary comes while a download still runs, and the exit status is 1', async () => {
    const slow = await serve({ poem: poem('science.txt'), numBytes: 10, delay: 0.01 }); // 67 chunks: about 0.66 s
    const fast = await serve({ poem: poem('fascination.txt'), numBytes: 100, delay: 0.01 }); // about 0.05 s
    const middle = await serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.03 }); // about 0.18 s
    const run = await runCli(patched.entry, ['--quiet', ...[slow, fast, middle].map((s) => String(s.port))]);
    expect(run.lines).toEqual([
      'Task 2 finished',
      'Task 3 finished',
      'Task 2: 598 bytes of poetry',
      'Task 3: 666 bytes of poetry',
      expect.stringMatching(/^Got 2 poems in /),
      'Task 1 finished', // after the summary
    ]);
    expect(run.code).toBe(1); // although every poem arrived
  });
});

describe('no --timeout, and a server that never answers', () => {
  it('waits for a server that accepts and never sends: the other poem arrives, and a second later the client still waits, alive', async () => {
    const stalled = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
    const healthy = await serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.01 });
    const cli = stage.startCli(['--quiet', String(stalled.port), String(healthy.port)]);
    await cli.printed(/^Task 2 finished$/m);
    await sleep(1000);
    expect(cli.child.exitCode).toBeNull(); // still running…
    expect(stalled.connections).toBe(1); // …and still connected to the stalled server
    cli.interrupt();
    const run = await cli.done;
    expect(run.code).toBe(130); // only Ctrl-C ended it
    expect(run.lines).toContainEqual(
      expect.stringMatching(/^Task 1: failed to get poetry from 127\.0\.0\.1:\d+ after 20 bytes: interrupted/),
    );
  });

  it('waits, still connecting, for a host that never answers the connection: the kernel drops the request, and only its own connect timeout would end it', async () => {
    const silent = await unansweredPort();
    try {
      const port = silent.port;
      const healthy = await serve({ poem: poem('science.txt'), numBytes: 100, delay: 0.01 });
      const trace = join(scratch, 'never-answers.jsonl');
      const cli = stage.startCli(['--quiet', '--trace', trace, String(port), String(healthy.port)]);
      await cli.printed(/^Task 2 finished$/m);
      await sleep(1000);
      expect(cli.child.exitCode).toBeNull();
      expect(connectedTasks(traceOf(trace))).toEqual([2]); // task 1 never connected
      cli.interrupt();
      const run = await cli.done;
      expect(run.code).toBe(130);
      expect(run.lines).toContainEqual(expect.stringMatching(/^Task 1: failed to get poetry from 127\.0\.0\.1:\d+: interrupted/));
    } finally {
      silent.close();
    }
  });
});

describe('callback-throws: a bug in the callback', () => {
  let patched: BuiltExercise;
  beforeAll(() => {
    patched = build('callback-throws');
  }, 60_000);

  it("ends the process from getPoetry's 'end' handler: a stack trace, exit status 1, no summary, the other downloads lost", async () => {
    const slow = () => serve({ poem: poem('science.txt'), numBytes: 10, delay: 0.02 }); // about 1.3 s
    const [first, third] = [await slow(), await slow()];
    const fast = await serve({ poem: poem('fascination.txt'), numBytes: 100, delay: 0.01 });
    const lost = [first, third].map(
      (server) => new Promise<[string, number]>((resolve) => server.once('end', (_c, outcome, sent) => resolve([outcome, sent]))),
    );
    const trace = join(scratch, 'callback-throws.jsonl');
    const run = await runCli(patched.entry, ['--quiet', '--trace', trace, ...[first, fast, third].map((s) => String(s.port))]);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual(['Task 2 finished']); // and nothing after it: no sizes, no summary
    expect(run.stderr).toContain("Error: a bug in the code that handles task 2's poem");
    // Below the callback on the stack: finish() and the socket's 'end' handler, in get-poetry.js; the code that called getPoetry is long gone.
    expect(run.stderr).toMatch(/at finish \(.*get-poetry\.js.*\n.*at Socket\.<anonymous> \(.*get-poetry\.js/);
    expect(run.stderr).not.toContain('startNext');
    const end = traceOf(trace).at(-1);
    expect(end?.event === 'end' && end.result.tasks?.map((task) => task.status)).toEqual(['connected', 'done', 'connected']);
    for (const [outcome, sent] of await Promise.all(lost)) {
      expect(outcome).toBe('gone'); // the servers saw the client vanish mid-poem
      expect(sent).toBeLessThan(poem('science.txt').byteLength);
    }
  });
});

describe('call-back-at-once: a cancelled download calls back before getPoetry returns', () => {
  let patched: BuiltExercise;
  beforeAll(() => {
    patched = build('call-back-at-once');
  }, 60_000);

  it('runs the callback before the line after the call', async () => {
    const index = pathToFileURL(join(patched.dir, 'dist', 'index.js')).href;
    const run = await runScript(`
      const { getPoetry } = await import(${JSON.stringify(index)});
      const order = [];
      getPoetry({ host: '127.0.0.1', port: ${await closedPort()} }, { signal: AbortSignal.abort() }, (err) => order.push('callback (' + err.code + ')'));
      order.push('getPoetry returned');
      setTimeout(() => console.log(order.join(', ')));
    `);
    expect(run.stdout.trim()).toBe('callback (ABORT_ERR), getPoetry returned');
  });

  it('turns the queue after --fail-fast into a recursion: 10,000 tasks overflow the stack, where the stage cancels them all', async () => {
    const port = await closedPort();
    const args = ['--quiet', '--fail-fast', '--concurrency', '1', ...Array.from({ length: 10_000 }, () => String(port))];
    const broken = await runCli(patched.entry, args);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('RangeError: Maximum call stack size exceeded');
    expect(broken.lines.length).toBeGreaterThan(1); // it died partway through the cancellations…
    expect(broken.lines.length).toBeLessThan(10_000);
    expect(broken.lines.some((line) => line.startsWith('Got '))).toBe(false); // …with no summary

    const whole = await stage.runCli(args);
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(1);
    expect(whole.lines).toHaveLength(10_001); // one failure, 9,999 cancellations, the summary
    expect(whole.lines.at(-1)).toMatch(/^Got 0 poems in .*; 1 task failed; 9999 cancelled \(tasks 2, 3, 4,/);
  });
});
