import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { defaultMaxBytes, type ClientArgs } from '../src/client-args.js';
import { codedError } from '../src/errors.js';
import { startLoopProbe } from '../src/loop-probe.js';
import { readClientResult } from '../src/result.js';
import { Session } from '../src/session.js';
import { parseTrace } from '../src/trace.js';

const scratchDirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'slow-poetry-session-'));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});
const args = (extra: Partial<ClientArgs> = {}): ClientArgs => ({
  addresses: [
    { host: '127.0.0.1', port: 10000 },
    { host: '::1', port: 10001 },
  ],
  maxBytes: defaultMaxBytes,
  quiet: false,
  json: false,
  extra: {},
  ...extra,
});
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('a client session', () => {
  it('traces every task from start to end, in JSON Lines on the monotonic clock', () => {
    const trace = join(scratch(), 'trace.jsonl');
    const session = new Session('test', args({ trace }));
    const [one, two] = session.tasks;
    one!.connected();
    one!.chunk(3);
    one!.chunk(2);
    one!.done(bytes('hello'));
    two!.failed(codedError('ECONNREFUSED', 'refused'));
    expect(session.finish()).toBe(1);

    const lines = parseTrace(readFileSync(trace, 'utf8'));
    expect(lines.map((line) => line.event)).toEqual(['start', 'connected', 'chunk', 'chunk', 'done', 'failed', 'end']);
    expect(lines[0]).toMatchObject({ stage: 'test', tasks: ['127.0.0.1:10000', '[::1]:10001'] });
    expect(lines[4]).toMatchObject({ task: 1, bytes: 5 });
    expect(lines[5]).toMatchObject({ task: 2, bytes: 0, error: 'connection refused (ECONNREFUSED): refused' });
    expect(lines[6]).toMatchObject({ result: { status: 1, poems: 1, failed: 1 } });
    const times = lines.map((line) => line.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('sums the run up in one record: the outcome of every task, the reasons counted, the time to the last end', () => {
    const session = new Session('test', args({ addresses: [1, 2, 3].map((port) => ({ host: '127.0.0.1', port })) }));
    const [one, two, three] = session.tasks;
    one!.chunk(4);
    one!.done(bytes('poem'));
    two!.failed(codedError('ECONNREFUSED', 'x'));
    three!.failed(codedError('ECONNREFUSED', 'y'), bytes('ab'));
    const result = readClientResult(JSON.stringify(session.result()));
    expect(result).toMatchObject({ stage: 'test', status: 1, poems: 1, failed: 2, bytes: 6 });
    expect(result.reasons).toEqual({ 'connection refused (ECONNREFUSED): x': 1, 'connection refused (ECONNREFUSED): y': 1 });
    expect(result.tasks?.map((task) => task.status)).toEqual(['done', 'failed', 'failed']);
    expect(result.ms).toBe(Math.max(...result.tasks!.map((task) => task.ms!)));
    expect(() => readClientResult('Got 3 poems')).toThrow(/not a JSON result/);
    expect(() => readClientResult('{"poems": 1}')).toThrow(/not a client result/);
  });

  it('exits 0 only when every poem arrived whole', () => {
    const session = new Session('test', args());
    for (const task of session.tasks) task.done(bytes('poem'));
    expect(session.finish()).toBe(0);
    expect(session.poems).toBe(2);
  });

  it('records a task once: a failure after it is done changes nothing', () => {
    const session = new Session('test', args());
    session.tasks[0]!.done(bytes('poem'));
    session.tasks[0]!.failed(new Error('late'));
    expect(session.tasks[0]!.status).toBe('done');
  });

  it("marks the unfinished tasks when a signal stops the run, and exits with that signal's status", () => {
    for (const [signal, status] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const session = new Session('test', args());
      session.tasks[0]!.done(bytes('poem'));
      const cut = session.stop(signal, new Map([[2, bytes('half')]]));
      expect(cut.map((task) => task.id)).toEqual([2]);
      expect(session.tasks[1]!.bytes).toBe(4);
      expect(session.tasks[1]!.reason).toBe(`interrupted (EINTERRUPTED): ${signal}`);
      expect(session.finish()).toBe(status);
    }
  });

  it('counts a task cancelled because another failed apart from the failures, in the trace and the result', () => {
    const trace = join(scratch(), 'trace.jsonl');
    const session = new Session('test', args({ trace }));
    session.tasks[0]!.failed(codedError('ECONNREFUSED', 'refused'));
    session.tasks[1]!.cancelled('task 1 failed', bytes('half'));
    expect(session.tasks[1]!.status).toBe('cancelled');
    expect(session.cancellations.map((task) => task.id)).toEqual([2]);
    const result = session.result();
    expect(result).toMatchObject({ failed: 1, cancelled: 1, status: 1 });
    expect(result.reasons).toEqual({ 'connection refused (ECONNREFUSED): refused': 1 });
    expect(result.tasks![1]).toMatchObject({ status: 'cancelled', bytes: 4, error: 'task 1 failed' });
    session.finish();
    const events = parseTrace(readFileSync(trace, 'utf8'));
    expect(events.find((event) => event.event === 'cancelled')).toMatchObject({ task: 2, bytes: 4, because: 'task 1 failed' });
  });

  /** Run `body` in a Node process of its own, after `const s = new Session(…)` with a trace: its status, stderr and trace. */
  function runWithTrace(body: string): { status: number | null; stderr: string; lines: ReturnType<typeof parseTrace> } {
    const trace = join(scratch(), 'trace.jsonl');
    const session = new URL('../dist/session.js', import.meta.url).href;
    const source = `
      import { Session } from ${JSON.stringify(session)};
      const s = new Session('test', { addresses: [{ host: '127.0.0.1', port: 1 }], maxBytes: 10, quiet: true, json: false, extra: {}, trace: ${JSON.stringify(trace)} });
      ${body}
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8' });
    return { status: child.status, stderr: child.stderr, lines: parseTrace(readFileSync(trace, 'utf8')) };
  }

  it('writes the trace as it goes, so that a process that exits early still leaves its last line', () => {
    const { status, lines } = runWithTrace('s.tasks[0].connected(); s.tasks[0].chunk(7); process.exitCode = 3; process.exit();');
    expect(status).toBe(3);
    expect(lines.map((line) => line.event)).toEqual(['start', 'connected', 'chunk', 'end']);
    expect(lines.at(-1)).toMatchObject({ result: { status: 3, tasks: [{ status: 'connected', bytes: 7 }] } });
  });

  it('leaves the last line after a crash too: an exception nobody catches', () => {
    const { status, stderr, lines } = runWithTrace(
      "s.tasks[0].connected(); setTimeout(() => { throw new Error('a bug'); }, 10);",
    );
    expect(status).toBe(1);
    expect(stderr).toMatch(/Error: a bug/);
    expect(lines.map((line) => line.event)).toEqual(['start', 'connected', 'end']);
    expect(lines.at(-1)).toMatchObject({ result: { status: 1, tasks: [{ status: 'connected' }] } });
  });
});

describe('--out', () => {
  it("saves each poem byte for byte, and a failed task's bytes apart", () => {
    const out = join(scratch(), 'nested', 'out');
    const session = new Session('test', args({ out }));
    const poem = bytes('Forse perché della fatal quïete\n');
    session.tasks[0]!.done(poem);
    session.tasks[1]!.failed(codedError('ECONNRESET', 'reset'), bytes('Forse'));
    session.finish();
    expect(readFileSync(join(out, 'task-1.txt')).equals(Buffer.from(poem))).toBe(true);
    expect(existsSync(join(out, 'task-2.txt'))).toBe(false);
    expect(readFileSync(join(out, 'task-2.partial.txt'), 'utf8')).toBe('Forse');
    expect(readdirSync(out).sort()).toEqual(['task-1.txt', 'task-2.partial.txt']); // no temporary file left
  });

  it('fails a task whose poem cannot be saved, and saves the others', () => {
    const out = scratch();
    mkdirSync(join(out, 'task-1.txt')); // a directory where the poem should go
    const session = new Session('test', args({ out }));
    session.tasks[0]!.done(bytes('first'));
    session.tasks[1]!.done(bytes('second'));
    expect(session.tasks[0]!.status).toBe('failed');
    expect(session.tasks[0]!.reason).toMatch(/^poem not saved \(ESAVE\): cannot save .*task-1\.txt: is a directory \(EISDIR\)/);
    expect(session.tasks[1]!.status).toBe('done');
    expect(readFileSync(join(out, 'task-2.txt'), 'utf8')).toBe('second');
    expect(session.finish()).toBe(1);
  });

  it('keeps a failed task failed, for its own reason, when its partial bytes cannot be saved', () => {
    const out = scratch();
    mkdirSync(join(out, 'task-1.partial.txt'));
    const session = new Session('test', args({ out }));
    session.tasks[0]!.failed(codedError('ECONNRESET', 'reset'), bytes('half'));
    session.tasks[1]!.done(bytes('whole'));
    expect(session.tasks[0]!.reason).toMatch(/^connection reset by peer \(ECONNRESET\): reset; its 4 bytes were not saved: /);
    expect(session.tasks[1]!.status).toBe('done');
  });

  it('replaces a symlink planted at task-N.txt instead of writing through it', () => {
    const dir = scratch();
    const out = join(dir, 'out');
    mkdirSync(out);
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'do not touch');
    symlinkSync(target, join(out, 'task-1.txt'));
    const session = new Session('test', args({ out }));
    session.tasks[0]!.done(bytes('poem'));
    expect(readFileSync(target, 'utf8')).toBe('do not touch');
    expect(lstatSync(join(out, 'task-1.txt')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(out, 'task-1.txt'), 'utf8')).toBe('poem');
  });

  it("removes an earlier run's task files first, so that none passes for this run's", () => {
    const out = scratch();
    writeFileSync(join(out, 'task-1.txt'), 'an old poem');
    writeFileSync(join(out, 'task-2.partial.txt'), 'old bytes');
    writeFileSync(join(out, 'task-3.txt'), 'not named by this run');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const session = new Session('test', args({ out }));
    session.tasks[0]!.failed(codedError('ECONNREFUSED', 'refused'));
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'task-3.txt']);
    session.finish();
  });

  it('refuses an --out path it cannot create', () => {
    const file = join(scratch(), 'file');
    writeFileSync(file, '');
    expect(() => new Session('test', args({ out: join(file, 'sub') }))).toThrow(/cannot use .* as the --out folder/);
  });
});

describe('the event-loop probe', () => {
  it('sees a thread held by synchronous work, and little delay otherwise', async () => {
    const idle = startLoopProbe();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const idleStats = idle.stop();

    const busy = startLoopProbe();
    const until = performance.now() + 150;
    while (performance.now() < until); // hold the thread, as a blocking recv would
    const busyStats = busy.stop();

    expect(busyStats.maxDelayMs).toBeGreaterThan(100);
    expect(busyStats.maxDelayMs).toBeGreaterThan(idleStats.maxDelayMs * 3);
  });
});
