// The command line of `slowpoetry`: options, their defaults, and what counts as bad input.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { readInteger, readPositiveSeconds, readSeconds, UsageError } from '@slow-poetry/cli-kit';
import { defaultMaxConnections, fileDescriptorMargin } from './open-file-limit.js';
import { defaults, maxNumBytes, type Fault, type ServerOptions } from './server.js';

// Read once, as the program starts: the limit it starts with.
const maxConnectionsDefault = defaultMaxConnections();
const maxConnectionsHere = maxConnectionsDefault === Infinity ? 'none here: it cannot be read' : `${maxConnectionsDefault} here`;

export const usage = `Usage: slowpoetry [options] POEM_FILE

Serve POEM_FILE slowly: NUM bytes every DELAY seconds, then close the connection.

Options:
  --port N                  port to listen on (default: 0, a free port chosen by the system)
  --iface HOST              interface to listen on (default: localhost, i.e. 127.0.0.1)
  --num-bytes N             bytes per chunk, 1 to ${maxNumBytes} (16 MiB) (default: ${defaults.numBytes})
  --delay SECONDS           seconds between chunks (default: ${defaults.delay})
  --one-at-a-time           serve one client at a time, as the tutorial's server does
  --max-connections N       connections at once, waiting ones included; one more is reset
                            (default: the open-file limit minus ${fileDescriptorMargin}, ${maxConnectionsHere})
  --send-timeout SECONDS    reset a client whose kernel buffers stay full this long,
                            as one that never reads (default: ${defaults.sendTimeout})
  --quiet                   do not print a line per chunk
  --reset-after N           fault: reset the connection after N bytes
  --close-after N           fault: close cleanly after N bytes (looks like a whole, shorter poem)
  --stall-after N           fault: send nothing more after N bytes, keep the connection open
  --faults-for N            misbehave with the first N connections only, then serve whole poems
                            (a server that fails once and then recovers; default: every connection)
  --endless                 send the poem over and over, never closing
  --backlog N               listen backlog (default: ${defaults.backlog})
  -h, --help                show this help

Exit status: 0 on a clean shutdown (after Ctrl-C, SIGTERM or SIGHUP), 2 for bad input
(options, poem file, port in use).`;

export interface ServeCommand {
  poemFile: string;
  options: ServerOptions;
  quiet: boolean;
}

/** Turn the command line into server options, or throw a UsageError. */
export function parseServeArgs(args: string[]): ServeCommand | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      iface: { type: 'string' },
      'num-bytes': { type: 'string' },
      delay: { type: 'string' },
      'one-at-a-time': { type: 'boolean' },
      quiet: { type: 'boolean' },
      'reset-after': { type: 'string' },
      'close-after': { type: 'string' },
      'stall-after': { type: 'string' },
      'faults-for': { type: 'string' },
      endless: { type: 'boolean' },
      backlog: { type: 'string' },
      'max-connections': { type: 'string' },
      'send-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing POEM_FILE (see --help)' : 'expected one POEM_FILE');
  }
  const poemFile = positionals[0]!;

  const faults = (['reset', 'close', 'stall'] as const).filter((kind) => values[`${kind}-after`] !== undefined);
  if (faults.length > 1) throw new UsageError('choose at most one of --reset-after, --close-after, --stall-after');
  const kind = faults[0];
  const fault: Fault | undefined =
    kind === undefined ? undefined : { kind, afterBytes: readInteger(`--${kind}-after`, values[`${kind}-after`]!, 0) };
  if (values['faults-for'] !== undefined) {
    if (fault === undefined) throw new UsageError('--faults-for needs a fault: --reset-after, --close-after or --stall-after');
    fault.connections = readInteger('--faults-for', values['faults-for'], 1);
  }

  const options: ServerOptions = {
    port: values.port === undefined ? 0 : readInteger('--port', values.port, 0, 65535),
    host: values.iface ?? defaults.host,
    numBytes:
      values['num-bytes'] === undefined ? defaults.numBytes : readInteger('--num-bytes', values['num-bytes'], 1, maxNumBytes),
    delay: values.delay === undefined ? defaults.delay : readSeconds('--delay', values.delay),
    oneAtATime: values['one-at-a-time'] ?? false,
    endless: values.endless ?? false,
    backlog: values.backlog === undefined ? defaults.backlog : readInteger('--backlog', values.backlog, 1),
    maxConnections:
      values['max-connections'] === undefined
        ? maxConnectionsDefault
        : readInteger('--max-connections', values['max-connections'], 1),
    // Above zero: at 0 s every client would be reset the first time the kernel's buffers were full.
    sendTimeout:
      values['send-timeout'] === undefined ? defaults.sendTimeout : readPositiveSeconds('--send-timeout', values['send-timeout']),
    fault,
    poem: readPoem(poemFile), // last: a bad option is reported before an unreadable file
  };
  return { poemFile, options, quiet: values.quiet ?? false };
}

/** Read a poem file as bytes, or explain in one line why it cannot be read. */
export function readPoem(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const why = unreadable[(error as NodeJS.ErrnoException).code ?? ''] ?? (error as Error).message;
    throw new UsageError(`cannot read poem file '${path}': ${why}`);
  }
}

const unreadable: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
};

/** Port in use and similar: the user's to fix, so a usage error. */
export function listenError(error: unknown, options: { port?: number | undefined; host?: string | undefined }): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `port ${options.port} on ${options.host}`;
  if (code === 'EADDRINUSE') return new UsageError(`${where} is already in use`);
  if (code === 'EACCES') return new UsageError(`not allowed to listen on ${where}`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UsageError(`cannot listen on interface '${options.host}': no such address on this machine`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
