// Bad input, for every program a user can run: each case must give exactly one
// line on stderr, naming the program, exit status 2, no stack trace — and must
// fail before doing anything (no output, no server started, no connection).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { poetryDir } from '@slow-poetry/slow-server';
import { afterAll, describe, expect, it } from 'vitest';

import { discoverStages, packagesDir, runBin, stackTraceLine } from '../src/index.js';
import { allClients, closedPort } from './support.js';

const scratch = mkdtempSync(join(tmpdir(), 'fault-matrix-input-'));
const aFile = join(scratch, 'a-file.txt');
writeFileSync(aFile, 'not a folder\n');
const emptyDir = mkdtempSync(join(scratch, 'empty-'));
const missing = join(scratch, 'no-such-file.txt');
const poemFile = join(poetryDir, 'science.txt');
// A port with nothing behind it: should a bad-input case slip through to the
// network, the client fails with status 1 (not 2) and the test says so.
const port = String(await closedPort());

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Program {
  /** The name it must print before its message. */
  name: string;
  binPath: string;
  missing?: string;
  cases: Array<[why: string, args: string[]]>;
}

/** What every client takes (parseClientArgs), and must reject. */
const clientCases: Program['cases'] = [
  ['no addresses', []],
  ['an address that is not a port', ['abc']],
  ['a lone colon', [':']],
  ['port 0', ['0']],
  ['port 70000', ['70000']],
  ['a host with no port', ['localhost:']],
  ['an IPv6 address without brackets', ['::1:10000']],
  ['an IPv6 address with no port', ['[::1]:']],
  ['brackets around an IPv4 address', ['[127.0.0.1]:10000']],
  ['a port with a sign', ['+10000']],
  ['an unknown option', ['--bogus', port]],
  ['a negative timeout', ['--timeout=-1', port]],
  ['a negative timeout written apart', ['--timeout', '-1', port]],
  ['a timeout that is not a number', ['--timeout', 'soon', port]],
  ['a zero timeout', ['--timeout', '0', port]],
  ['a timeout with no value', [port, '--timeout']],
  ['a negative size', ['--max-bytes=-5', port]],
  ['a size that is not a number', ['--max-bytes', 'lots', port]],
  ['a fractional size', ['--max-bytes', '1.5', port]],
  ['a file as the --out folder', ['--out', join(aFile, 'sub'), port]],
  ['a trace file in a missing folder', ['--trace', join(missing, 'trace.jsonl'), port]],
];

/** Options some stages add (the agreed interface: stage 2's --poller, stage 5's --retries). */
const stageCases: Record<number, Program['cases']> = {
  2: [
    ['an unknown poller', ['--poller', 'epoll', port]],
    ['a poller with no value', [port, '--poller']],
  ],
  5: [
    ['negative retries', ['--retries=-1', port]],
    ['retries that are not a number', ['--retries', 'some', port]],
  ],
};

const stages = discoverStages();
const stageOf = new Map(stages.map((stage) => [stage.launcher, stage]));

const programs: Program[] = [
  ...allClients
    .filter((client) => client.extraArgs.length === 0) // stage 2's variants share one command line
    .map((client) => {
      const stage = stageOf.get(client.binPath);
      return {
        name: stage?.bin ?? 'get-poetry-reference',
        binPath: client.binPath,
        ...(client.missing === undefined ? {} : { missing: client.missing }),
        cases: [...clientCases, ...(stage ? (stageCases[stage.stage] ?? []) : [])],
      };
    }),
  {
    name: 'slowpoetry',
    binPath: join(packagesDir, 'slow-server', 'bin', 'slowpoetry.js'),
    cases: [
      ['no poem file', ['--port', '0']],
      ['two poem files', ['--port', '0', poemFile, poemFile]],
      ['a missing poem file', ['--port', '0', missing]],
      ['a directory as the poem', ['--port', '0', poetryDir]],
      ['port 70000', ['--port', '70000', poemFile]],
      ['a port that is not a number', ['--port', 'abc', poemFile]],
      ['a negative delay', ['--port', '0', '--delay=-1', poemFile]],
      ['a delay that is not a number', ['--port', '0', '--delay', 'slow', poemFile]],
      ['zero bytes per chunk', ['--port', '0', '--num-bytes', '0', poemFile]],
      ['a negative chunk size', ['--port', '0', '--num-bytes=-3', poemFile]],
      ['a chunk size that is not a number', ['--port', '0', '--num-bytes', 'x', poemFile]],
      ['a fault after a negative count', ['--port', '0', '--reset-after=-1', poemFile]],
      ['two faults at once', ['--port', '0', '--reset-after', '5', '--stall-after', '5', poemFile]],
      ['a zero backlog', ['--port', '0', '--backlog', '0', poemFile]],
      ['an unknown option', ['--port', '0', '--bogus', poemFile]],
      ['an interface that does not exist', ['--port', '0', '--iface', 'no-such-host.invalid', poemFile]],
    ],
  },
  {
    name: 'slowpoetry-scene',
    binPath: join(packagesDir, 'slow-server', 'bin', 'slowpoetry-scene.js'),
    // --base-port 0 everywhere: should a case slip through, it must not take the tutorial's ports.
    cases: [
      ['a zero speed', ['--base-port', '0', '--speed', '0']],
      ['a negative speed', ['--base-port', '0', '--speed=-1']],
      ['a speed that is not a number', ['--base-port', '0', '--speed', 'fast']],
      ['base port 70000', ['--base-port', '70000']],
      ['a base port that is not a number', ['--base-port', 'abc']],
      ['a missing poetry folder', ['--base-port', '0', '--poetry', missing]],
      ['an empty poetry folder', ['--base-port', '0', '--poetry', emptyDir]],
      ['a file as the poetry folder', ['--base-port', '0', '--poetry', aFile]],
      ['an unknown option', ['--base-port', '0', '--bogus']],
      ['an argument it does not take', ['--base-port', '0', 'extra']],
    ],
  },
  {
    name: 'slow-poetry-bench',
    binPath: join(packagesDir, 'bench', 'bin', 'slow-poetry-bench.js'),
    // A slip-through would start measuring: the deadline catches it.
    cases: [
      ['an unknown case', ['--only', 'everything']],
      ['an unknown option', ['--bogus']],
      ['an argument it does not take', ['extra']],
    ],
  },
  {
    name: 'slow-poetry-compare',
    binPath: join(packagesDir, 'compare', 'bin', 'slow-poetry-compare.js'),
    // --speed 100 everywhere: should a case slip through, the run is over in a
    // moment (and fails the test) instead of taking a minute.
    cases: [
      ['a zero speed', ['--speed', '0']],
      ['a negative speed', ['--speed=-1']],
      ['a speed that is not a number', ['--speed', 'fast']],
      ['a stage that does not exist', ['--speed', '100', '--stages', '9']],
      ['stages that are not numbers', ['--speed', '100', '--stages', 'abc']],
      ['a missing poem file', ['--speed', '100', '--poems', missing]],
      ['a directory as the poem', ['--speed', '100', '--poems', poetryDir]],
      ['zero bytes per chunk', ['--speed', '100', '--num-bytes', '0']],
      ['a negative chunk size', ['--speed', '100', '--num-bytes=-3']],
      ['a negative delay', ['--speed', '100', '--delay=-1']],
      ['a delay that is not a number', ['--speed', '100', '--delay', 'slow']],
      ['a width that is not a number', ['--speed', '100', '--width', 'wide']],
      ['an unknown option', ['--speed', '100', '--bogus']],
      ['an argument it does not take', ['--speed', '100', 'extra']],
    ],
  },
];

describe.concurrent.each(programs)('$name', (program) => {
  for (const [why, args] of program.cases) {
    it.skipIf(program.missing !== undefined)(`rejects ${why} in one line with exit status 2`, async () => {
      const result = await runBin(program.binPath, args, { deadlineMs: 8_000 });
      expect(result.hung, `it did not stop; stdout:\n${result.stdout}`).toBe(false);
      expect(result.stderr).not.toMatch(stackTraceLine);
      const lines = result.stderr.split('\n').filter((line) => line !== '');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${program.name}: \\S`));
      // A launcher whose program is not built says so in one such line too: that is not a pass.
      expect(lines[0]).not.toMatch(/: not built yet;/);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(2);
    });
  }
});
