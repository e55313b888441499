// Running a command-line program's main function: whatever it throws becomes
// one line on stderr and an exit status, never a stack trace.
import { exitStatus, UsageError } from './usage-error.js';

/**
 * Run a command-line program's main function. Usage errors become
 * `program: message` and exit 2; any other error one line and exit 1
 * (set SLOW_POETRY_DEBUG=1 to see the stack).
 */
export function runMain(program: string, main: () => Promise<number | void> | number | void): void {
  const report = (error: unknown): void => {
    const usage = error instanceof UsageError || isParseArgsError(error);
    const message = isParseArgsError(error)
      ? parseArgsMessage(error as Error)
      : error instanceof Error
        ? error.message
        : String(error);
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
