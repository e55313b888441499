import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseTrace } from '@slow-poetry/shared';
import {
  cliAt,
  closeServers,
  durationPattern as duration,
  poem,
  scratchDir,
  serveProcess,
  serveSceneProcesses,
  sleep,
} from '@slow-poetry/test-kit';
import { poetryDir, tutorialScene } from '@slow-poetry/slow-server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

// The bin launcher, as a user runs it.
const { runCli, startCli } = cliAt(fileURLToPath(new URL('../bin/get-poetry-select.js', import.meta.url)));

const serve = async (...args: string[]): Promise<number> =>
  (await serveProcess(['--quiet', '--num-bytes', '50', '--delay', '0.005', ...args])).port;
afterEach(closeServers);
const scratch = scratchDir('get-poetry-select-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('get-poetry-select', () => {
  it("prints the tutorial's lines, the tasks' reads mixed together, and exits 0", async () => {
    const ports = [await serve(join(poetryDir, 'ecstasy.txt')), await serve(join(poetryDir, 'science.txt'))];
    const run = await runCli(ports.map(String));
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const { lines } = run;
    const chunkLine = new RegExp(`^Task ([12]): got (\\d+) bytes of poetry from 127\\.0\\.0\\.1:(${ports[0]}|${ports[1]})$`);
    const reads = lines.filter((line) => chunkLine.test(line));
    // Every read printed, adding up to each poem.
    const total = (task: string): number =>
      reads.filter((line) => line.startsWith(`Task ${task}:`)).reduce((sum, line) => sum + Number(chunkLine.exec(line)![2]), 0);
    expect(total('1')).toBe(poem('ecstasy.txt').byteLength);
    expect(total('2')).toBe(poem('science.txt').byteLength);
    // Interleaved: task 2's first read comes before task 1's last.
    expect(lines.findIndex((line) => line.startsWith('Task 2: got'))).toBeLessThan(
      lines.findLastIndex((line) => line.startsWith('Task 1: got')),
    );
    // Task 2's poem is shorter: it finishes first.
    expect(lines.indexOf('Task 2 finished')).toBeLessThan(lines.indexOf('Task 1 finished'));
    expect(lines.slice(-3)).toEqual([
      `Task 1: ${poem('ecstasy.txt').byteLength} bytes of poetry`,
      `Task 2: ${poem('science.txt').byteLength} bytes of poetry`,
      expect.stringMatching(new RegExp(`^Got 2 poems in ${duration}$`)),
    ]);
  });

  it("serves the scene's poems at the sizes the README quotes: 2764, 598 and 666 bytes", () => {
    // The README's output says 'Task 1: 2764 bytes of poetry'; the other tests compare with the files themselves.
    expect(tutorialScene.map((server) => poem(server.poem).byteLength)).toEqual([2764, 598, 666]);
  });

  it('leaves out the line per read with --quiet, and waits with poll when asked', async () => {
    const port = await serve(join(poetryDir, 'science.txt'));
    const run = await runCli(['--quiet', '--poller', 'poll', String(port)]);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      'Task 1 finished',
      `Task 1: ${poem('science.txt').byteLength} bytes of poetry`,
      expect.stringMatching(/^Got 1 poem in /),
    ]);
  });

  it('reports failed tasks, finishes the others, and exits 1', async () => {
    const stalled = await serve('--stall-after', '100', join(poetryDir, 'science.txt'));
    const healthy = await serve(join(poetryDir, 'fascination.txt'));
    const run = await runCli(['--quiet', '--timeout', '1', String(stalled), '1', String(healthy)]);
    expect(run.code).toBe(1);
    expect(run.lines).toContain('Task 2: failed to get poetry from 127.0.0.1:1: connection refused (ECONNREFUSED)');
    expect(run.lines).toContain(
      `Task 1: failed to get poetry from 127.0.0.1:${stalled} after 100 bytes: timed out (ETIMEDOUT): no data for 1 s`,
    );
    expect(run.lines).toContain('Task 3 finished');
    expect(run.lines.at(-1)).toMatch(/^Got 1 poem in .*; 2 tasks failed$/);
  });

  it('writes byte-exact poems, partial bytes apart, and a trace', async () => {
    const whole = await serve(join(poetryDir, 'alla-sera.txt'));
    const reset = await serve('--reset-after', '300', join(poetryDir, 'ecstasy.txt'));
    const out = join(scratch, 'out');
    const trace = join(scratch, 'trace.jsonl');
    const run = await runCli(['--quiet', '--out', out, '--trace', trace, String(whole), String(reset)]);
    expect(run.code).toBe(1);
    expect(readFileSync(join(out, 'task-1.txt')).equals(poem('alla-sera.txt'))).toBe(true);
    expect(readFileSync(join(out, 'task-2.partial.txt')).equals(poem('ecstasy.txt').subarray(0, 300))).toBe(true);
    const events = parseTrace(readFileSync(trace, 'utf8'));
    expect(events[0]).toMatchObject({ event: 'start', stage: 'select' });
    expect(events.filter((e) => e.event === 'connected')).toHaveLength(2);
    expect(events.find((e) => e.event === 'failed')).toMatchObject({ task: 2, bytes: 300 });
    expect(events.find((e) => e.event === 'done')).toMatchObject({ task: 1, bytes: poem('alla-sera.txt').byteLength });
    const end = events.at(-1)!;
    if (end.event !== 'end') throw new Error('no end event');
    expect(end.result.status).toBe(1);
  });

  for (const poller of ['select', 'poll']) {
    it(`takes the scene's slowest download with ${poller}, a read per chunk sent, the event loop held all along`, async () => {
      const scene = await serveSceneProcesses(10);
      const trace = join(scratch, `scene-${poller}.jsonl`);
      const run = await runCli(['--poller', poller, '--trace', trace, ...scene.ports.map(String)]);
      expect(run.code).toBe(0);
      // The loop is far quicker than the servers: one read per chunk, 30 bytes for task 1, 10 for the others
      // (a poem's last chunk may be shorter; a rare late turn may find two chunks).
      const reads = run.lines.flatMap((line) => {
        const match = /^Task (\d): got (\d+) bytes/.exec(line);
        return match ? [{ task: Number(match[1]), bytes: Number(match[2]) }] : [];
      });
      for (const [task, chunk] of [
        [1, 30],
        [2, 10],
        [3, 10],
      ] as const) {
        const sizes = reads.filter((read) => read.task === task).map((read) => read.bytes);
        expect(sizes.filter((bytes) => bytes === chunk).length).toBeGreaterThanOrEqual(sizes.length * 0.9);
      }
      expect(run.lines.filter((line) => line.endsWith(' finished'))).toEqual([
        'Task 2 finished',
        'Task 3 finished',
        'Task 1 finished',
      ]);
      const end = parseTrace(readFileSync(trace, 'utf8')).at(-1)!;
      if (end.event !== 'end') throw new Error('no end event');
      const { ms, loop } = end.result;
      // About the slowest download's time, with either poller (the servers' schedules do not drift: only the
      // last chunk can be late), and far from the sum that stage 1 takes.
      expect(ms).toBeGreaterThanOrEqual(Math.max(...scene.ideals) * 0.95);
      expect(ms).toBeLessThan(Math.max(...scene.ideals) * 1.3);
      expect(ms).toBeLessThan(scene.ideals.reduce((a, b) => a + b) * 0.8);
      // Our loop held the thread the whole run: Node's own loop never got to run its timer.
      expect(loop!.maxDelayMs).toBeGreaterThanOrEqual(loop!.wallMs * 0.9);
    });
  }

  it("holds descriptors of Node's own below its first socket: an epoll instance and pipes", async () => {
    const stalled = await serve('--stall-after', '10', join(poetryDir, 'science.txt'));
    const cli = startCli([String(stalled)]);
    await cli.printed(/Task 1: got 10 bytes/); // connected, and now waiting in select()
    const fds = `/proc/${cli.child.pid}/fd`;
    // Past stdin, stdout and stderr (stdout and stderr are sockets too, when a test spawns the client).
    const open = readdirSync(fds)
      .map(Number)
      .filter((fd) => fd > 2)
      .sort((a, b) => a - b)
      .map((fd) => ({ fd, target: readlinkSync(`${fds}/${fd}`) }));
    cli.interrupt();
    await cli.done;
    const firstSocket = open.find(({ target }) => target.startsWith('socket:'))!.fd;
    const nodes = open.filter(({ fd }) => fd < firstSocket).map(({ target }) => target);
    expect(nodes).toContain('anon_inode:[eventpoll]');
    expect(nodes.some((target) => target.startsWith('pipe:'))).toBe(true);
  });

  it('turns bad input into one line on stderr and exit status 2', async () => {
    for (const args of [[], ['--poller', 'epoll', '10000'], ['--timeout', '0', '10000'], ['[::1:10000']]) {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^get-poetry-select: /);
    }
  });
});

describe('get-poetry-select and Ctrl-C', () => {
  it('is ended by SIGINT at once, with no summary, even while the loop waits in select()', async () => {
    const stalled = await serve('--stall-after', '100', join(poetryDir, 'science.txt'));
    const cli = startCli([String(stalled)]);
    await cli.printed(/Task 1: got/);
    await sleep(100);
    cli.interrupt();
    const run = await cli.done;
    // No handler for SIGINT is installed: the signal's default action ends the process.
    expect(run.signal).toBe('SIGINT');
    expect(run.lines.every((line) => line.startsWith('Task 1: got '))).toBe(true);
  });
});
