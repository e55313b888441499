// The bench's own parts, on real processes and sockets: if these are wrong, every
// figure in BENCHMARKS.md is wrong.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { poetryDir } from '@slow-poetry/slow-server';
import { makeToyStages } from '@slow-poetry/test-kit';
import { findStages } from '@slow-poetry/test-kit/stages';
import { afterAll, describe, expect, it } from 'vitest';

import {
  benchClients,
  floorClient,
  heapCensus,
  heapClients,
  keeperClient,
  measureClient,
  renderReport,
  scale,
  startStatsServer,
} from '../src/index.js';
import { progress } from '../src/progress.js';
import { beginMarker, endMarker, writeReport } from '../src/report.js';

const scratch = mkdtempSync(join(tmpdir(), 'bench-test-'));
const launcher = fileURLToPath(new URL('../bin/slow-poetry-bench.js', import.meta.url));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the bench', () => {
  it('measures the floor client against a server in its own process, with CPU time and peak memory', async () => {
    const server = await startStatsServer({ poemFile: join(poetryDir, 'science.txt'), numBytes: 100, delay: 0.01, backlog: 511 });
    try {
      const run = await measureClient(floorClient, [String(server.port), String(server.port)], {
        timeout: 5,
        deadlineMs: 10_000,
      });
      expect(run).toMatchObject({ code: 0, hung: false, poems: 2, failed: 0, bytes: 2 * 666 });
      expect(run.ms).toBeGreaterThanOrEqual(60); // 7 chunks, 10 ms apart
      expect(run.cpuSeconds).toBeGreaterThan(0);
      expect(run.maxRssKb).toBeGreaterThan(10_000);
      const stats = await server.stats();
      expect(stats).toMatchObject({ clients: 2, chunks: 14, outcomes: { complete: 2 } });
      expect(stats.lateMaxMs).toBeGreaterThanOrEqual(stats.lateMedianMs);
      // Counting starts afresh after each request.
      expect((await server.stats()).clients).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('refuses an --output that is a folder, or in no folder, before it measures anything: one line, exit status 2', () => {
    for (const [output, message] of [
      [scratch, `slow-poetry-bench: --output '${scratch}' is not a file\n`],
      [
        join(scratch, 'no-such-folder', 'B.md'),
        `slow-poetry-bench: --output '${join(scratch, 'no-such-folder', 'B.md')}': no folder '${join(scratch, 'no-such-folder')}'\n`,
      ],
    ]) {
      const run = spawnSync(process.execPath, [launcher, '--only', 'fidelity', '--clients', 'floor', '--output', output!], {
        encoding: 'utf8',
      });
      expect(run.stderr).toBe(message); // that line alone: no client ran
      expect(run.status).toBe(2);
    }
  });

  it('refuses an unknown --clients key before it measures anything: one line naming the program, exit status 2', () => {
    const started = performance.now();
    // --dry-run and an --output of its own: should the key be taken, BENCHMARKS.md is safe. The timeout: nor does a
    // run that measures hang the test.
    const output = join(scratch, 'unknown-client', 'B.md');
    const args = ['--dry-run', '--only', 'fidelity', '--clients', 'nosuchclient', '--output', output];
    const run = spawnSync(process.execPath, [launcher, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toMatch(/^slow-poetry-bench: --clients: no client 'nosuchclient' \(clients: floor, keeper, .*\)\n$/);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(2);
    // Quickly: Node's start-up and a look at the packages, not the seconds a measured run takes.
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('with --dry-run prints the figures on stdout and writes nothing, not even to --output; a plain line per run on stderr', () => {
    const output = join(scratch, 'dry', 'B.md');
    mkdirSync(dirname(output), { recursive: true });
    const run = spawnSync(
      process.execPath,
      [launcher, '--dry-run', '--only', 'fidelity', '--clients', 'floor', '--output', output],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('## Schedule fidelity');
    expect(existsSync(output)).toBe(false);
    expect(run.stderr).not.toMatch(/^wrote /m);
    // Not on a terminal, so no progress line redrawn in place: a line per measured run (two speeds, one client).
    expect(run.stderr).not.toContain('\r');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.filter((line) => !line.startsWith('skipped: '))).toHaveLength(2); // a peer whose runtime is missing adds a note
  }, 60_000);

  it('shows on a terminal one line, redrawn after each run: run n of m, the time so far and an estimate of what is left', () => {
    // A terminal as the bench sees one: a stream that says it is a TTY, with columns.
    let screen = '';
    const terminal = { isTTY: true, columns: 100, write: (text: string) => (screen += text) } as unknown as NodeJS.WriteStream;
    const shown = progress(3, terminal);
    const redraw = '\r\x1b[2K'; // back to the start of the line, and clear it
    shown.ran('floor at speed 10: 3 poems');
    shown.ran('second');
    shown.ran('third');
    shown.end();
    expect(screen.split(redraw)).toEqual([
      '',
      expect.stringMatching(/^run 1 of 3, 0:0\d so far, about 0:\d\d left — floor at speed 10: 3 poems$/),
      expect.stringMatching(/^run 2 of 3, 0:0\d so far, about 0:\d\d left — second$/),
      expect.stringMatching(/^run 3 of 3, 0:0\d so far — third$/), // nothing left to estimate
      '', // cleared at the end
    ]);
    expect(screen).not.toContain('\n'); // one line, drawn over itself
  });

  it('prints the figures on stdout and exits 1 when the place for them has become a folder during the run', async () => {
    const output = join(scratch, 'late', 'B.md');
    mkdirSync(dirname(output), { recursive: true });
    const child = spawn(process.execPath, [launcher, '--only', 'fidelity', '--clients', 'floor,keeper', '--output', output]);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      // At its first line (a skipped client's note, or the first run's figures): the check at the start has passed.
      if (stderr === '') mkdirSync(output);
      stderr += text;
    });
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(
      `slow-poetry-bench: error: cannot write the figures to '${output}' (is a directory (EISDIR)); they are on stdout instead`,
    );
    expect(stdout).toContain('## Schedule fidelity');
    expect(stdout).toContain('| 10 | plain node:net client keeping each poem |');
    expect(code).toBe(1);
  }, 30_000);

  it('measures the keeper beside the floor: the same downloads, each poem kept and joined, its bytes counted from it', async () => {
    const server = await startStatsServer({ poemFile: join(poetryDir, 'science.txt'), numBytes: 100, delay: 0.01, backlog: 511 });
    try {
      const addresses = [String(server.port), String(server.port)];
      const floor = await measureClient(floorClient, addresses, { timeout: 5, deadlineMs: 10_000 });
      const keeper = await measureClient(keeperClient, addresses, { timeout: 5, deadlineMs: 10_000 });
      expect(floor).toMatchObject({ code: 0, hung: false, poems: 2, failed: 0, bytes: 2 * 666 });
      expect(keeper).toMatchObject({ code: 0, hung: false, poems: 2, failed: 0, bytes: 2 * 666 });
      expect((await server.stats()).outcomes).toMatchObject({ complete: 4 });
    } finally {
      await server.close();
    }
  });

  it("compares each client's CPU with the floor's and the keeper's of the same round, and shows both in the report", async () => {
    const result = await scale([floorClient, keeperClient], [3], { long: false, repeats: 1 }, () => {});
    const [floor, keeper] = result.rows;
    expect([floor?.client.key, keeper?.client.key]).toEqual(['floor', 'keeper']);
    expect(floor?.result.poems).toBe(3);
    expect(keeper?.result.poems).toBe(3);
    expect(floor?.cpuRatio).toBe(1);
    expect(keeper?.keeperCpuRatio).toBe(1);
    // One round: each ratio is that round's figure over the other's.
    expect(keeper?.cpuRatio).toBeCloseTo(keeper!.result.cpuSeconds / floor!.result.cpuSeconds, 10);
    expect(floor?.keeperCpuRatio).toBeCloseTo(floor!.result.cpuSeconds / keeper!.result.cpuSeconds, 10);
    // A stage's line quotes both ratios (here a stage given the keeper's figures, so 1.00× the keeper's).
    const stage = heapClients(benchClients().clients).clients[0]!;
    const report = renderReport({
      command: 'pnpm bench --only scale',
      startedAt: new Date(),
      seconds: 1,
      loadBefore: [0, 0, 0],
      loadAfter: [0, 0, 0],
      clients: [floorClient, keeperClient, stage],
      skipped: [],
      scale: { ...result, rows: [...result.rows, { ...keeper!, client: stage }] },
    });
    expect(report).toContain('| CPU ÷ floor | CPU ÷ keeper |');
    const stageLine = report.split('\n').find((line) => line.startsWith(`- **${stage.label}**`));
    expect(stageLine).toContain(`(${keeper!.cpuRatio!.toFixed(2)}× the plain client's, 1.00× a plain client keeping each poem)`);
  }, 60_000);

  it("counts what one more download keeps in a client's heap: the floor its socket, the keeper the chunks as well, a stage its record too", async () => {
    const stage = heapClients(benchClients().clients).clients[0]!; // the first stage that runs on the event loop
    const heap = await heapCensus([floorClient, keeperClient, stage], 100, () => {});
    const perDownload = (row: number, kind: string): number => heap.rows[row]!.kinds.find((k) => k.kind === kind)?.count ?? 0;
    expect(heap.rows.map((row) => row.client.key)).toEqual(['floor', 'keeper', stage.key]);
    expect(perDownload(0, 'Socket')).toBeCloseTo(1, 1);
    expect(perDownload(0, 'Buffer')).toBeLessThan(0.5); // the floor counts the bytes and keeps none
    for (const row of [1, 2]) {
      expect(perDownload(row, 'Socket')).toBeCloseTo(1, 1);
      // The poem so far, kept as the chunks it came in (joined once, at the end): up to the 9 the server sent.
      expect(perDownload(row, 'Buffer')).toBeGreaterThan(3);
      expect(perDownload(row, 'Buffer')).toBeLessThan(9.5);
      expect(heap.rows[row]!.bytes).toBeGreaterThan(heap.rows[0]!.bytes);
    }
    expect(perDownload(1, 'TaskRecord')).toBeLessThan(0.5); // the keeper keeps no record per task…
    expect(perDownload(2, 'TaskRecord')).toBeCloseTo(1, 1); // …a stage does
  }, 60_000);

  it('counts only Node clients whose thread is free to write a snapshot, and says why it leaves out the others', () => {
    const peer = { ...floorClient, key: 'peer', label: 'a peer', command: ['python3', 'peer.py'], peer: true };
    const { clients, skipped } = heapClients([floorClient, ...benchClients().clients, peer]);
    expect(clients[0]).toBe(floorClient);
    expect(clients.some((client) => client.stage?.holdsThread === true || !client.concurrent)).toBe(false);
    expect(clients.length).toBeGreaterThan(1);
    expect(skipped).toContain('a peer: not a Node process (no V8 heap snapshot)');
    for (const client of benchClients().clients.filter((c) => c.stage?.holdsThread === true)) {
      expect(skipped).toContain(`${client.label}: holds its thread while it waits, so it cannot write a snapshot mid-download`);
    }
  });

  it('reports a refused connection as a failure with its reason', async () => {
    const run = await measureClient(floorClient, ['1'], { timeout: 5, deadlineMs: 10_000 });
    expect(run).toMatchObject({ poems: 0, failed: 1 });
    expect(Object.keys(run.reasons)).toEqual([expect.stringMatching(/^connection refused \(ECONNREFUSED\)/)]);
  });

  it('kills a client that outlives its deadline and says it hung', async () => {
    const server = await startStatsServer({ poemFile: join(poetryDir, 'science.txt'), numBytes: 10, delay: 1, backlog: 511 });
    try {
      const run = await measureClient(floorClient, [String(server.port)], { timeout: 30, deadlineMs: 300 });
      expect(run.hung).toBe(true);
      expect(run.ms).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('runs each variant a stage declares, with its arguments and its limit, and skips a stage that is not built', () => {
    const toys = makeToyStages([
      {
        stage: 1,
        mode: 'concurrent',
        field: {
          variants: [
            { name: 'one', args: ['--way', 'one'], limit: { downloads: 10, why: 'a toy limit' } },
            { name: 'two', args: ['--way', 'two'] },
          ],
        },
      },
      { stage: 2, mode: 'sequential', unbuilt: true },
    ]);
    try {
      const { clients, skipped } = benchClients(findStages(toys.dir));
      expect(clients.map((client) => [client.key, client.label, client.extraArgs, client.limit])).toEqual([
        ['1-one', 'stage 1 (toy concurrent, one)', ['--way', 'one'], { downloads: 10, why: 'a toy limit' }],
        ['1-two', 'stage 1 (toy concurrent, two)', ['--way', 'two'], undefined],
      ]);
      expect(skipped).toEqual(['stage 2 (toy sequential): not built, no dist/cli.js']);
    } finally {
      toys.remove();
    }
  });

  it('rewrites only the part of BENCHMARKS.md between its markers', () => {
    const path = join(scratch, 'BENCHMARKS.md');
    writeFileSync(path, `# Benchmarks\n\nNotes before.\n\n${beginMarker}\nold figures\n${endMarker}\n\nNotes after.\n`);
    writeReport(path, 'new figures');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('Notes before.');
    expect(text).toContain('Notes after.');
    expect(text).toContain('new figures');
    expect(text).not.toContain('old figures');
  });

  it("finds each stage's own line from BENCHMARKS.md quoted word for word in that stage's README", () => {
    // A fresh `pnpm bench` rewrites these lines; this keeps the READMEs from quoting an older run.
    const packages = fileURLToPath(new URL('../../', import.meta.url));
    const benchmarks = readFileSync(join(packages, 'bench', 'BENCHMARKS.md'), 'utf8');
    const stageLines = benchmarks.split('\n').filter((line) => line.startsWith('- **stage '));
    const stages = findStages();
    // One line per stage and variant, each quoted by its own stage's README.
    expect(stageLines).toHaveLength(stages.reduce((lines, stage) => lines + stage.variants.length, 0));
    for (const line of stageLines) {
      const stageNumber = Number(/^- \*\*stage (\d+)/.exec(line)?.[1]);
      const stage = stages.find((s) => s.stage === stageNumber);
      expect(stage, line).toBeDefined();
      expect(readFileSync(join(stage!.dir, 'README.md'), 'utf8'), `${stage!.dir}/README.md`).toContain(line);
    }
  });
});
