// What every command-line program in this project does the same way: read
// numbers strictly, turn bad input into one line on stderr with exit status 2,
// and never show a stack trace for a mistake the user can fix.

/** Bad input from the user: reported in one line, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const exitStatus = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

/** A whole number in [min, max], written in plain decimal digits. */
export function readInteger(option: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^[+]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${option} takes a whole number ${range}, not '${text}'`);
  }
  return value;
}

/** A duration in seconds: a finite decimal number, zero or more. */
export function readSeconds(option: string, text: string): number {
  const value = /^[+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`${option} takes a number of seconds, zero or more, not '${text}'`);
  }
  return value;
}

/** A positive factor, such as a speed-up: the same grammar as seconds, but no number of seconds. */
export function readFactor(option: string, text: string): number {
  let value: number;
  try {
    value = readSeconds(option, text);
  } catch {
    throw new UsageError(`${option} takes a number above zero, such as 10 or 0.5, not '${text}'`);
  }
  if (value === 0) throw new UsageError(`${option} must be greater than zero`);
  return value;
}

/**
 * Run a command-line program's main function. Usage errors become
 * `program: message` and exit 2; any other error one line and exit 1
 * (set SLOW_POETRY_DEBUG=1 to see the stack).
 */
export function runMain(program: string, main: () => Promise<number | void> | number | void): void {
  const report = (error: unknown): void => {
    const usage = error instanceof UsageError || isParseArgsError(error);
    const message = isParseArgsError(error) ? parseArgsMessage(error as Error) : error instanceof Error ? error.message : String(error);
    process.stderr.write(`${program}: ${usage ? '' : 'error: '}${message}\n`);
    if (!usage && process.env['SLOW_POETRY_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = usage ? exitStatus.usage : exitStatus.failed;
  };
  try {
    Promise.resolve(main()).then((status) => {
      if (typeof status === 'number') process.exitCode = status;
    }, report);
  } catch (error) {
    report(error);
  }
}

/**
 * A server's way out: on Ctrl-C (SIGINT) or SIGTERM, close, then let the process
 * end with 130 or 0.
 */
export function closeOnSignal(close: () => Promise<void>): void {
  const stop = (signal: NodeJS.Signals): void => {
    void close().then(() => {
      process.exitCode = signal === 'SIGINT' ? exitStatus.interrupted : exitStatus.ok;
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** util.parseArgs throws TypeErrors with these codes for unknown or malformed options. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** util.parseArgs explains itself over several lines; one is enough here. */
function parseArgsMessage(error: Error): string {
  const code = (error as { code?: string }).code;
  const option = /'(--?[\w-]+)/.exec(error.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${option}' (see --help)`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous|missing/i.test(error.message)) {
    return `option '${option}' needs a value (write a negative number as ${option}=-N)`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument: ${error.message.split('\n')[0]}`;
  return error.message.split('\n')[0] ?? error.message;
}
