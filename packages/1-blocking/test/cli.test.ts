import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseTrace } from '@slow-poetry/shared';
import {
  cliAt,
  closeServers,
  durationPattern as duration,
  poem,
  runCli as runNode,
  scratchDir,
  serveProcess,
  serveSceneProcesses,
  sleep,
} from '@slow-poetry/test-kit';
import { poetryDir, tutorialScene } from '@slow-poetry/slow-server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// The bin launcher, as a user runs it.
const { runCli, startCli } = cliAt(fileURLToPath(new URL('../bin/get-poetry-blocking.js', import.meta.url)));
const timerDemo = fileURLToPath(new URL('../dist/timer-demo.js', import.meta.url));

const serve = async (...args: string[]): Promise<number> =>
  (await serveProcess(['--quiet', '--num-bytes', '50', '--delay', '0.002', ...args])).port;
afterEach(closeServers);
const scratch = scratchDir('get-poetry-blocking-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('get-poetry-blocking', () => {
  it("prints the tutorial's lines, one task after another, and exits 0", async () => {
    const ports = [await serve(join(poetryDir, 'ecstasy.txt')), await serve(join(poetryDir, 'science.txt'))];
    const run = await runCli(ports.map(String));
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.lines).toHaveLength(5);
    expect(run.lines[0]).toBe(`Task 1: get poetry from: 127.0.0.1:${ports[0]}`);
    expect(run.lines[1]).toMatch(
      new RegExp(
        `^Task 1: got ${poem('ecstasy.txt').byteLength} bytes of poetry from 127\\.0\\.0\\.1:${ports[0]} in ${duration}$`,
      ),
    );
    expect(run.lines[2]).toBe(`Task 2: get poetry from: 127.0.0.1:${ports[1]}`);
    expect(run.lines[3]).toMatch(
      new RegExp(
        `^Task 2: got ${poem('science.txt').byteLength} bytes of poetry from 127\\.0\\.0\\.1:${ports[1]} in ${duration}$`,
      ),
    );
    expect(run.lines[4]).toMatch(new RegExp(`^Got 2 poems in ${duration}$`));
  });

  it("serves the scene's poems at the sizes the README quotes: 2764, 598 and 666 bytes", () => {
    // The README's timeline and output say 'got 2764 bytes'; the other tests compare with the files themselves.
    expect(tutorialScene.map((server) => poem(server.poem).byteLength)).toEqual([2764, 598, 666]);
  });

  it('reports a failed task, still runs the next one, and exits 1', async () => {
    const stalled = await serve('--stall-after', '100', join(poetryDir, 'science.txt'));
    const healthy = await serve(join(poetryDir, 'fascination.txt'));
    const run = await runCli(['--timeout', '1', String(stalled), '1', String(healthy)]);
    expect(run.code).toBe(1);
    expect(run.lines[1]).toBe(
      `Task 1: failed to get poetry from 127.0.0.1:${stalled} after 100 bytes: timed out (ETIMEDOUT): no data for 1 s`,
    );
    expect(run.lines[3]).toBe('Task 2: failed to get poetry from 127.0.0.1:1: connection refused (ECONNREFUSED)');
    expect(run.lines[5]).toMatch(/^Task 3: got \d+ bytes of poetry from/);
    expect(run.lines[6]).toMatch(/^Got 1 poem in .*; 2 tasks failed$/);
  });

  it('writes byte-exact poems and the partial bytes of a failed task with --out', async () => {
    const whole = await serve(join(poetryDir, 'alla-sera.txt'));
    const reset = await serve('--reset-after', '300', join(poetryDir, 'ecstasy.txt'));
    const out = join(scratch, 'out');
    const run = await runCli(['--out', out, String(whole), String(reset)]);
    expect(run.code).toBe(1);
    expect(readFileSync(join(out, 'task-1.txt')).equals(poem('alla-sera.txt'))).toBe(true);
    expect(readFileSync(join(out, 'task-2.partial.txt')).equals(poem('ecstasy.txt').subarray(0, 300))).toBe(true);
    expect(run.lines[3]).toMatch(/after 300 bytes: connection reset by peer \(ECONNRESET\)/);
  });

  it("takes the sum of the scene's downloads, and its trace shows the event loop held for all of it, not per download", async () => {
    const scene = await serveSceneProcesses(10);
    const trace = join(scratch, 'trace.jsonl');
    const run = await runCli(['--trace', trace, ...scene.ports.map(String)]);
    expect(run.code).toBe(0);
    // Each task starts only when the one before it is over.
    expect(run.lines.map((line) => /^Task (\d): (get|got)/.exec(line)?.slice(1).join(' '))).toEqual([
      '1 get',
      '1 got',
      '2 get',
      '2 got',
      '3 get',
      '3 got',
      undefined,
    ]);
    const events = parseTrace(readFileSync(trace, 'utf8'));
    expect(events.map((e) => e.event).filter((e, i, all) => all.indexOf(e) === i)).toEqual([
      'start',
      'connected',
      'chunk',
      'done',
      'end',
    ]);
    const end = events.at(-1)!;
    if (end.event !== 'end') throw new Error('no end event');
    const { ms, loop } = end.result;
    const sum = scene.ideals.reduce((a, b) => a + b);
    expect(ms).toBeGreaterThanOrEqual(sum * 0.95);
    // One stall as long as the whole run: main() never gave the thread back between downloads.
    expect(loop!.maxDelayMs).toBeGreaterThanOrEqual(loop!.wallMs * 0.9);
    expect(loop!.maxDelayMs).toBeGreaterThan(Math.max(...scene.ideals) * 1.5);
  });

  it('runs the timer demo: a timer due every 100 ms never fires while getPoetry runs, then ticks again', async () => {
    const port = await serve('--num-bytes', '10', '--delay', '0.01', join(poetryDir, 'science.txt'));
    const run = await runNode(timerDemo, [String(port)]);
    expect(run.code).toBe(0);
    const returned = /^getPoetry returned 666 bytes after (\d+\.\d) s; the 100 ms timer fired (\d+) times meanwhile$/;
    expect(run.lines[0]).toMatch(returned);
    const [, seconds, during] = returned.exec(run.lines[0]!)!.map(Number);
    // Far fewer than were due: 0.66 s of poem (science, 10 bytes every 0.01 s), a tick due every 100 ms, none run.
    expect(Math.floor(seconds! * 10)).toBeGreaterThanOrEqual(6);
    expect(during).toBe(0);
    const after = Number(/^In the next 0\.5 s, with the thread free again, it fired (\d+) times$/.exec(run.lines[1]!)?.[1]);
    expect(after).toBeGreaterThanOrEqual(3);
  });

  it('turns bad input into one line on stderr and exit status 2', async () => {
    for (const args of [[], ['--timeout', 'soon', '10000'], ['not-an-address:x'], ['--poller', 'poll', '10000']]) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^get-poetry-blocking: /);
    }
  });

  it('explains itself with --help', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: get-poetry-blocking \[options\] ADDRESS\.\.\./);
  });
});

describe('get-poetry-blocking and Ctrl-C', () => {
  it('waits for a stalled server for ever without --timeout, and is ended by SIGINT at once, with no summary', async () => {
    const stalled = await serve('--stall-after', '100', join(poetryDir, 'science.txt'));
    const cli = startCli([String(stalled)]);
    await cli.printed(/Task 1: get poetry from/);
    await sleep(1000); // the 100 bytes came long ago: the thread is in recv(), waiting for more
    expect(cli.child.exitCode).toBeNull();
    cli.interrupt();
    const run = await cli.done;
    // No handler for SIGINT is installed: the signal's default action ends the process
    // (a shell reports that as exit status 130), and nothing more is printed.
    expect(run.signal).toBe('SIGINT');
    expect(run.lines).toEqual([`Task 1: get poetry from: 127.0.0.1:${stalled}`]);
  });
});
