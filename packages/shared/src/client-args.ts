// The command line every stage's client shares:
//
//   get-poetry-STAGE [options] ADDRESS...
//
// Each stage may add options of its own (stage 2's --poller, stage 6's --retries).
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { exitStatus, readInteger, readPositiveSeconds, runMain, UsageError } from '@slow-poetry/cli-kit';

import { parseAddress, type Address } from './address.js';

export interface ClientArgs {
  addresses: Address[];
  /** Seconds a task may wait for its connection or its next bytes. */
  timeout?: number;
  /** Bytes a task may receive before it gives up on a poem that never ends (default: defaultMaxBytes). */
  maxBytes: number;
  /** Save task N's poem as DIR/task-N.txt. */
  out?: string;
  /** Write a JSON Lines trace of the run to this file. */
  trace?: string;
  /** Don't print a line per chunk (the concurrent stages print one per read). */
  quiet: boolean;
  /** Print only the result record, as JSON, at the end (see result.ts). */
  json: boolean;
  /** The values of the stage's own options. */
  extra: Record<string, string | boolean | undefined>;
}

/**
 * A task that gets more than this many bytes fails (EPOEMTOOLONG) unless
 * --max-bytes says otherwise: a server that never stops sending must not fill
 * the client's memory. 128 MiB, far above any poem (and above the bench's 100 MB).
 */
export const defaultMaxBytes = 128 * 2 ** 20;

export interface ExtraOption {
  type: 'string' | 'boolean';
  /** e.g. '--poller select|poll   how to wait (default: select)' */
  help: string;
}

export interface ClientProgram {
  /** e.g. 'get-poetry-blocking' */
  name: string;
  /** One line: what this client is. */
  summary: string;
  options?: Record<string, ExtraOption>;
}

export function clientUsage(program: ClientProgram): string {
  const extra = Object.values(program.options ?? {}).map((option) => `  ${option.help}`);
  return [
    `Usage: ${program.name} [options] ADDRESS...`,
    '',
    program.summary,
    'ADDRESS is PORT, HOST:PORT or [IPV6]:PORT; a bare PORT means 127.0.0.1.',
    '',
    'Options:',
    '  --timeout SECONDS   fail a task that waits this long to connect or for its next bytes',
    `  --max-bytes N       fail a task whose poem grows past N bytes (default: ${defaultMaxBytes}, 128 MiB)`,
    "  --out DIR           save task N's poem as DIR/task-N.txt (a failed task's bytes: task-N.partial.txt);",
    '                      the task-N files of an earlier run are removed first',
    '  --trace FILE        write a JSON Lines trace of every task to FILE',
    '  --quiet             leave out the line per chunk',
    '  --json              print only the result, as one JSON document, at the end',
    ...extra,
    '  -h, --help          show this help',
    "  --version           print the program's name and version",
    '',
    'Exit status: 0 if every poem arrived whole (and saved, with --out), 1 if any task failed, 2 for bad input,',
    '130 after Ctrl-C (SIGINT), 143 after SIGTERM, 129 after SIGHUP.',
  ].join('\n');
}

/** Parse a client's command line, or throw a UsageError. 'help' when --help was given. */
export function parseClientArgs(program: ClientProgram, args: string[]): ClientArgs | 'help' {
  const options: NonNullable<ParseArgsConfig['options']> = {
    timeout: { type: 'string' },
    'max-bytes': { type: 'string' },
    out: { type: 'string' },
    trace: { type: 'string' },
    quiet: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, option] of Object.entries(program.options ?? {})) options[name] = { type: option.type };
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  if (values['help']) return 'help';
  if (positionals.length === 0) throw new UsageError('no addresses given (see --help)');

  const string = (name: string): string | undefined => {
    const value = values[name];
    if (value === '') throw new UsageError(`--${name} needs a value`);
    return typeof value === 'string' ? value : undefined;
  };
  const timeout = string('timeout');
  const maxBytes = string('max-bytes');
  const extra: ClientArgs['extra'] = {};
  for (const name of Object.keys(program.options ?? {})) extra[name] = values[name] as string | boolean | undefined;

  return {
    addresses: positionals.map(parseAddress),
    timeout: timeout === undefined ? undefined : readPositiveSeconds('--timeout', timeout),
    maxBytes: maxBytes === undefined ? defaultMaxBytes : readInteger('--max-bytes', maxBytes, 1),
    out: string('out'),
    trace: string('trace'),
    quiet: values['quiet'] === true || values['json'] === true,
    json: values['json'] === true,
    extra,
  };
}

/**
 * A client's entry point: read the command line (`--help` prints the usage and
 * exits 0), then run `main` with it. Bad input and errors become one line on
 * stderr and an exit status, never a stack trace (see `runMain`).
 */
export function runClient(program: ClientProgram, main: (args: ClientArgs) => number | Promise<number>): void {
  runMain(program.name, () => {
    const args = parseClientArgs(program, process.argv.slice(2));
    if (args === 'help') {
      console.log(clientUsage(program));
      return exitStatus.ok;
    }
    return main(args);
  });
}
