// The CLI suite: what every event-loop client's command line does the same way
// (stages 3 to 6), run against the stage's real `dist/cli.js` in a child
// process and real servers on loopback. A stage's own options (stage 5's
// --retries) are tested in the stage.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseTrace } from '@slow-poetry/shared';
import { afterEach, describe, expect, it as vitestIt } from 'vitest';

import {
  cliAt,
  closedPort,
  closeServers,
  durationPattern as duration,
  nextEnd,
  poem,
  scratchDir,
  serve,
  sleep,
} from './helpers.js';
import { defaultPackagesDir } from './stages.js';

/** The repository's root, where `pnpm exec` finds every stage's command. */
const rootDir = join(defaultPackagesDir, '..');

export interface ClientCliUnderTest {
  /** e.g. 'get-poetry-callbacks': the name its usage and error lines start with. */
  program: string;
  /** The stage's compiled entry point (`dist/cli.js`). */
  cliPath: string;
}

const scratch = (): string => scratchDir('slow-poetry-cli-');

export function describeClientCli(client: ClientCliUnderTest, options: { expectFailure?: boolean } = {}): void {
  const { program, cliPath } = client;
  // expectFailure: for proving the suite itself, every scenario must fail.
  const it = options.expectFailure ? vitestIt.fails : vitestIt;
  const { runCli, startCli } = cliAt(cliPath);

  describe(`the ${program} CLI${options.expectFailure ? ' (broken: every scenario must fail)' : ''} (the lines, files and exit statuses every event-loop client shares)`, () => {
    afterEach(closeServers);

    it("prints the tutorial's lines: one per chunk, one per finished task, the sizes and the total", async () => {
      const a = await serve({ poem: poem('science.txt') });
      const b = await serve({ poem: poem('fascination.txt'), numBytes: 30 });
      const run = await runCli([String(a.port), `127.0.0.1:${b.port}`]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const chunkLines = run.lines.filter((line) => / bytes of poetry from /.test(line));
      expect(chunkLines.length).toBeGreaterThan(10);
      for (const line of chunkLines) expect(line).toMatch(/^Task [12]: got \d+ bytes of poetry from 127\.0\.0\.1:\d+$/);
      // Interleaved: each download makes progress whenever its server sends, so each
      // task's first chunk line comes before the other's last.
      const first = (task: number): number => run.lines.findIndex((line) => line.startsWith(`Task ${task}: got`));
      const last = (task: number): number => run.lines.findLastIndex((line) => line.startsWith(`Task ${task}: got`));
      expect(first(2)).toBeLessThan(last(1));
      expect(first(1)).toBeLessThan(last(2));
      expect(run.lines).toContain('Task 1 finished');
      expect(run.lines).toContain('Task 2 finished');
      expect(run.lines.slice(-3)).toEqual([
        `Task 1: ${poem('science.txt').byteLength} bytes of poetry`,
        `Task 2: ${poem('fascination.txt').byteLength} bytes of poetry`,
        expect.stringMatching(new RegExp(`^Got 2 poems in ${duration}$`)),
      ]);
    });

    it('reports a failed task on its own line, finishes the others, and exits with 1', async () => {
      const good = await serve({ poem: poem('science.txt') });
      const refused = await closedPort();
      const run = await runCli(['--quiet', String(refused), String(good.port)]);
      expect(run.code).toBe(1);
      expect(run.lines).toEqual([
        `Task 1: failed to get poetry from 127.0.0.1:${refused}: connection refused (ECONNREFUSED)`,
        'Task 2 finished',
        `Task 2: ${poem('science.txt').byteLength} bytes of poetry`,
        expect.stringMatching(new RegExp(`^Got 1 poem in ${duration}; 1 task failed$`)),
      ]);
    });

    it('turns a stall into a timeout and a never-ending poem into EPOEMTOOLONG', async () => {
      const stalled = await serve({ poem: poem('science.txt'), fault: { kind: 'stall', afterBytes: 20 } });
      const endless = await serve({ poem: poem('science.txt'), endless: true, numBytes: 200, delay: 0.001 });
      const run = await runCli([
        '--quiet',
        '--timeout',
        '0.2',
        '--max-bytes',
        '5000',
        String(stalled.port),
        String(endless.port),
      ]);
      expect(run.code).toBe(1);
      expect(run.lines).toContain(
        `Task 1: failed to get poetry from 127.0.0.1:${stalled.port} after 20 bytes: timed out (ETIMEDOUT): no data for 0.2 s`,
      );
      expect(run.lines.find((line) => line.startsWith('Task 2: failed'))).toMatch(/poem too long \(EPOEMTOOLONG\)/);
    });

    it('runs a hundred tasks against one server without a warning', async () => {
      const server = await serve({ poem: poem('science.txt'), numBytes: 100 });
      const run = await runCli(['--quiet', ...Array.from({ length: 100 }, () => String(server.port))]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.lines.at(-1)).toMatch(new RegExp(`^Got 100 poems in ${duration}$`));
    });

    it('leaves quietly when its reader goes away (| head)', async () => {
      const server = await serve({ poem: poem('ecstasy.txt'), delay: 0.01 });
      const cli = startCli([String(server.port), String(server.port)]);
      cli.child.stdout!.once('data', () => cli.child.stdout!.destroy()); // read one chunk, then hang up
      const run = await cli.done;
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
    });

    it('explains bad input in one line and exits with 2', async () => {
      for (const args of [[], ['abc'], ['--timeout', '-1', '10000'], ['--nonsense', '10000'], ['70000']]) {
        const run = await runCli(args);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(new RegExp(`^${program}: .+\\n$`));
      }
      const help = await runCli(['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout.startsWith(`Usage: ${program} [options] ADDRESS...`)).toBe(true);
    });

    it('saves each poem byte for byte with --out, and the run with --trace', async () => {
      const names = ['alla-sera.txt', 'science.txt'];
      const servers = await Promise.all(names.map((name) => serve({ poem: poem(name), numBytes: 7 })));
      const out = scratch();
      const trace = join(out, 'trace.jsonl');
      const run = await runCli(['--quiet', '--out', out, '--trace', trace, ...servers.map((server) => String(server.port))]);
      expect(run.code).toBe(0);
      names.forEach((name, i) => expect(readFileSync(join(out, `task-${i + 1}.txt`)).equals(poem(name))).toBe(true));
      const events = parseTrace(readFileSync(trace, 'utf8'));
      expect(events[0]).toMatchObject({ event: 'start', tasks: servers.map((server) => `127.0.0.1:${server.port}`) });
      for (const task of [1, 2]) {
        const mine = events.filter((event) => 'task' in event && event.task === task).map((event) => event.event);
        expect(mine[0]).toBe('connected');
        expect(mine.at(-1)).toBe('done');
        expect(mine.filter((event) => event === 'chunk').length).toBeGreaterThan(1);
      }
      expect(events.at(-1)).toMatchObject({ event: 'end', result: { status: 0, poems: 2 } });
    });

    it('on Ctrl-C prints what each task got so far, closes every socket and exits with 130', async () => {
      const whole = await serve({ poem: poem('science.txt') });
      const stalled = await serve({ poem: poem('ecstasy.txt'), fault: { kind: 'stall', afterBytes: 30 } });
      const left = nextEnd(stalled);
      const out = scratch();
      let sent = false;
      const run = await runCli(['--out', out, String(whole.port), String(stalled.port)], (stdout, interrupt) => {
        // Wait until the healthy task is over and the stalled one has its 30 bytes.
        if (!sent && stdout.includes('Task 1 finished') && stdout.includes('Task 2: got')) {
          sent = true;
          setTimeout(interrupt, 50);
        }
      });
      expect(run.code).toBe(130);
      expect(run.lines.slice(-3)).toEqual([
        `Task 2: failed to get poetry from 127.0.0.1:${stalled.port} after 30 bytes: interrupted (EINTERRUPTED): SIGINT`,
        `Task 1: ${poem('science.txt').byteLength} bytes of poetry`,
        expect.stringMatching(new RegExp(`^Got 1 poem in ${duration}; 1 task failed$`)),
      ]);
      // The server is still up, so it was the client that closed the stalled connection.
      expect((await left).outcome).toBe('stalled');
      expect(stalled.connections).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['task-1.txt', 'task-2.partial.txt']);
      expect(readFileSync(join(out, 'task-2.partial.txt')).equals(poem('ecstasy.txt').subarray(0, 30))).toBe(true);
    });

    // The README runs the clients as `pnpm exec get-poetry-…`. A terminal's Ctrl-C
    // reaches pnpm and the client at once; pnpm then sends the client SIGTERM as
    // well and ends without waiting. The client must take the first signal and
    // ignore the second, or its summary and partial files are lost. Only for a
    // client linked at the repository's root, as every stage's is.
    if (existsSync(join(rootDir, 'node_modules', '.bin', program))) {
      it('on Ctrl-C through pnpm exec (pnpm adds a SIGTERM of its own) still prints the summary and saves the partial poems', async () => {
        const stalled = await serve({ poem: poem('ecstasy.txt'), fault: { kind: 'stall', afterBytes: 30 } });
        const out = scratch();
        // A process group of its own, as a terminal's foreground job: Ctrl-C goes to every process in it.
        const child = spawn('pnpm', ['exec', program, '--out', out, String(stalled.port)], {
          cwd: rootDir,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        const stalledAt30 = new Promise<void>((resolve) =>
          child.stdout.setEncoding('utf8').on('data', (text: string) => {
            stdout += text;
            if (stdout.includes('Task 1: got')) resolve();
          }),
        );
        await stalledAt30;
        await sleep(100);
        process.kill(-child.pid!, 'SIGINT');
        // 'close' waits for every writer of the pipes: pnpm ends first, the client after its last line.
        await new Promise<void>((resolve) => child.once('close', () => resolve()));
        const lines = stdout.split('\n').filter((line) => line !== '');
        expect(lines.slice(-2)).toEqual([
          `Task 1: failed to get poetry from 127.0.0.1:${stalled.port} after 30 bytes: interrupted (EINTERRUPTED): SIGINT`,
          expect.stringMatching(new RegExp(`^Got 0 poems in ${duration}; 1 task failed$`)),
        ]);
        expect(readFileSync(join(out, 'task-1.partial.txt')).equals(poem('ecstasy.txt').subarray(0, 30))).toBe(true);
      });
    }
  });
}
