import { describe, expect, it } from 'vitest';

import { clientUsage, parseClientArgs, type ClientProgram } from '../src/client-args.js';
import { isCancellation, readTaskGroupArgs, taskGroupOptions } from '../src/task-group.js';

const program: ClientProgram = {
  name: 'get-poetry-test',
  summary: 'A test client.',
  options: { poller: { type: 'string', help: '--poller select|poll   how to wait' } },
};

describe('client arguments', () => {
  it('reads addresses and the common options', () => {
    const args = parseClientArgs(program, [
      '--timeout',
      '1.5',
      '--max-bytes',
      '100',
      '--out',
      'o',
      '--trace',
      't.jsonl',
      '--quiet',
      '--poller',
      'poll',
      '10000',
      '[::1]:10001',
    ]);
    expect(args).toEqual({
      addresses: [
        { host: '127.0.0.1', port: 10000 },
        { host: '::1', port: 10001 },
      ],
      timeout: 1.5,
      maxBytes: 100,
      out: 'o',
      trace: 't.jsonl',
      quiet: true,
      json: false,
      extra: { poller: 'poll' },
    });
  });

  it('leaves options out when not given', () => {
    const args = parseClientArgs(program, ['10000']);
    expect(args).toMatchObject({ timeout: undefined, out: undefined, quiet: false, json: false });
  });

  it('limits every task to 128 MiB unless --max-bytes says otherwise, and --json implies --quiet', () => {
    expect(parseClientArgs(program, ['10000'])).toMatchObject({ maxBytes: 134_217_728 });
    expect(parseClientArgs(program, ['--json', '10000'])).toMatchObject({ json: true, quiet: true });
  });

  it('answers --help', () => {
    expect(parseClientArgs(program, ['--help', '10000'])).toBe('help');
    expect(clientUsage(program)).toMatch(/^Usage: get-poetry-test \[options\] ADDRESS\.\.\./);
    expect(clientUsage(program)).toContain('--poller select|poll');
  });

  it.each([
    [[], /no addresses given/],
    [['abc'], /invalid address 'abc'/],
    [['--timeout', '0', '10000'], /--timeout must be more than zero/],
    [['--timeout', 'x', '10000'], /--timeout takes a number of seconds/],
    [['--max-bytes', '0', '10000'], /--max-bytes takes a whole number at least 1/],
    [['--out', '', '10000'], /--out needs a value/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseClientArgs(program, argv)).toThrow(message);
  });

  it('rejects unknown options', () => {
    expect(() => parseClientArgs(program, ['--bogus', '10000'])).toThrow(
      expect.objectContaining({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }),
    );
  });
});

describe('--fail-fast and --concurrency', () => {
  const withGroups: ClientProgram = { ...program, options: { ...taskGroupOptions } };
  const read = (argv: string[]): ReturnType<typeof readTaskGroupArgs> => {
    const args = parseClientArgs(withGroups, [...argv, '10000']);
    if (args === 'help') throw new Error('help');
    return readTaskGroupArgs(args);
  };

  it('runs every download at once and lets them fail alone, unless told otherwise', () => {
    expect(read([])).toEqual({ failFast: false, concurrency: Infinity });
    expect(read(['--fail-fast', '--concurrency', '3'])).toEqual({ failFast: true, concurrency: 3 });
  });

  it.each([['0'], ['-1'], ['abc'], ['1.5']])('rejects --concurrency %s', (value) => {
    expect(() => read([`--concurrency=${value}`])).toThrow(`--concurrency takes a whole number at least 1, not '${value}'`);
  });

  it('tells a cancelled download from one that failed on its own', () => {
    expect(isCancellation(Object.assign(new Error('x'), { code: 'ABORT_ERR' }))).toBe(true);
    expect(isCancellation(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(true);
    expect(isCancellation(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isCancellation(undefined)).toBe(false);
  });
});
