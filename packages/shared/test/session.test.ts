import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { ClientArgs } from '../src/client-args.js';
import { codedError } from '../src/errors.js';
import { startLoopProbe } from '../src/loop-probe.js';
import { Session } from '../src/session.js';
import { parseTrace } from '../src/trace.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'slow-poetry-session-'));
const args = (extra: Partial<ClientArgs> = {}): ClientArgs => ({
  addresses: [{ host: '127.0.0.1', port: 10000 }, { host: '::1', port: 10001 }],
  quiet: false,
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
    expect(lines[6]).toMatchObject({ status: 1 });
    const times = lines.map((line) => line.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('exits 0 only when every poem arrived whole', () => {
    const session = new Session('test', args());
    for (const task of session.tasks) task.done(bytes('poem'));
    expect(session.finish()).toBe(0);
    expect(session.poems).toBe(2);
  });

  it('saves each poem byte for byte with --out, and a failed task\'s bytes apart', () => {
    const out = join(scratch(), 'nested', 'out');
    const session = new Session('test', args({ out }));
    const poem = bytes('Forse perché della fatal quïete\n');
    session.tasks[0]!.done(poem);
    session.tasks[1]!.failed(codedError('ECONNRESET', 'reset'), bytes('Forse'));
    session.finish();
    expect(readFileSync(join(out, 'task-1.txt')).equals(Buffer.from(poem))).toBe(true);
    expect(existsSync(join(out, 'task-2.txt'))).toBe(false);
    expect(readFileSync(join(out, 'task-2.partial.txt'), 'utf8')).toBe('Forse');
  });

  it('records a task once: a failure after it is done changes nothing', () => {
    const session = new Session('test', args());
    session.tasks[0]!.done(bytes('poem'));
    session.tasks[0]!.failed(new Error('late'));
    expect(session.tasks[0]!.status).toBe('done');
  });

  it('marks the unfinished tasks when interrupted and exits 130', () => {
    const session = new Session('test', args());
    session.tasks[0]!.done(bytes('poem'));
    const cut = session.interrupt(new Map([[2, bytes('half')]]));
    expect(cut.map((task) => task.id)).toEqual([2]);
    expect(session.tasks[1]!.bytes).toBe(4);
    expect(session.finish(true)).toBe(130);
  });

  it('refuses an --out path it cannot create', () => {
    const file = join(scratch(), 'file');
    new Session('test', args({ trace: file })).finish();
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
