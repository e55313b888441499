// Bad input, for every program a user can run: each case must give exactly one
// line on stderr, naming the program, exit status 2, no stack trace — and must
// fail before doing anything (no output, no server started, no connection).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { closedPort, scratchDir } from '@slow-poetry/test-kit';
import { describe, expect, it } from 'vitest';

import type { ClientUnderTest } from './clients.js';
import { runBin, stackTraceLine } from './run-bin.js';

export interface Program {
  /** The name it must print before its message. */
  name: string;
  binPath: string;
  missing?: string;
  cases: Array<[why: string, args: string[]]>;
}

// Files the cases point at. A port with nothing behind it: should a bad-input
// case slip through to the network, the client fails with status 1 (not 2) and
// the test says so.
const scratch = scratchDir('fault-matrix-input-'); // removed after each test file, by test-kit
const aFile = join(scratch, 'a-file.txt');
writeFileSync(aFile, 'not a folder\n');
const missing = join(scratch, 'no-such-file.txt');
const port = String(await closedPort());

/** What every client takes (parseClientArgs), and must reject. */
export const clientCases: Program['cases'] = [
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
  ['a timeout longer than a timer can wait', ['--timeout', '2147484', port]],
  ['a negative size', ['--max-bytes=-5', port]],
  ['a size that is not a number', ['--max-bytes', 'lots', port]],
  ['a fractional size', ['--max-bytes', '1.5', port]],
  ['a file as the --out folder', ['--out', join(aFile, 'sub'), port]],
  ['a trace file in a missing folder', ['--trace', join(missing, 'trace.jsonl'), port]],
];

/** A client's program: the common cases, then its own options' (`{port}` filled in). */
export function clientProgram(client: ClientUnderTest): Program {
  const own = Object.entries(client.badInput).map(([why, args]): [string, string[]] => [
    why,
    args.map((arg) => (arg === '{port}' ? port : arg)),
  ]);
  return {
    name: client.program,
    binPath: client.binPath,
    ...(client.missing === undefined ? {} : { missing: client.missing }),
    cases: [...clientCases, ...own],
  };
}

/** One test per case and program, run at the same time. */
export function describeBadInput(programs: Program[]): void {
  describe.concurrent.each(programs)('$name against bad input', (program) => {
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
}
