// The command line of `slow-poetry-compare`: its options and what counts as bad input.
import { parseArgs } from 'node:util';

import { readInteger, readSeconds, UsageError } from '@slow-poetry/cli-kit';
import { maxNumBytes } from '@slow-poetry/slow-server';

import type { CompareOptions } from './compare.js';

export const program = 'slow-poetry-compare';

export const usage = `Usage: ${program} [options]

Start the tutorial's three slow poetry servers, run each stage's client against
them in its own process, one stage after another, and show side by side what
getPoetry looks like, how long each took against the ideal, who held the thread,
and a timeline of every download.

Options:
  --speed F          divide every delay by F (default 1, the tutorial's pace)
  --stages LIST      the stages to run, e.g. 1,3,5 (default: every stage found)
  --poems LIST       poem files, comma-separated, one server each, instead of the tutorial's three
                     (a bare name is looked up in the repository's poetry/ folder)
  --num-bytes N      bytes per chunk for every server, up to 16777216 (default: 30 for ecstasy.txt, 10 for the others)
  --delay SECONDS    seconds between chunks, before --speed (default: 0.1)
  --svg DIR          also write each stage's timeline and a combined figure as SVG into DIR
  --json             print the whole result as JSON (instead of the report)
  --width N          width of the report in columns (default: the terminal's, or 100)
  --packages DIR     where to look for stage packages (default: this repository's packages/)
  -h, --help         show this help
  --version          print the program's name and version

Exit status: 0 if every stage that ran got every poem whole, 1 if not (the
failing stage and task are named), 2 for bad input, 130, 143 or 129 if stopped by
SIGINT (Ctrl-C), SIGTERM or SIGHUP (the running client is stopped and nothing is left behind).`;

export interface CliOptions extends CompareOptions {
  svg?: string;
  json: boolean;
  width?: number;
}

export function parseCompareArgs(args: string[]): CliOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      speed: { type: 'string' },
      stages: { type: 'string' },
      poems: { type: 'string' },
      'num-bytes': { type: 'string' },
      delay: { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'boolean' },
      width: { type: 'string' },
      packages: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (see --help)`);
  for (const name of ['svg', 'packages', 'poems', 'stages'] as const) {
    if (values[name] === '') throw new UsageError(`--${name} needs a value`);
  }
  const options: CliOptions = { json: values.json === true };
  if (values.speed !== undefined) options.speed = readPositive('--speed', values.speed, 'a number above zero, such as 10 or 0.5');
  if (values.delay !== undefined)
    options.delay = readPositive('--delay', values.delay, 'a number of seconds above zero, such as 0.1');
  if (values['num-bytes'] !== undefined) options.numBytes = readInteger('--num-bytes', values['num-bytes'], 1, maxNumBytes);
  if (values.width !== undefined) options.width = readInteger('--width', values.width, 40, 1000);
  if (values.stages !== undefined) {
    options.stages = values.stages.split(',').map((n) => readInteger('--stages', n.trim(), 0));
  }
  if (values.poems !== undefined) {
    options.poems = values.poems.split(',').map((p) => p.trim());
    if (options.poems.some((p) => p === '')) throw new UsageError(`--poems has an empty name: '${values.poems}'`);
  }
  if (values.svg !== undefined) options.svg = values.svg;
  if (values.packages !== undefined) options.packagesDir = values.packages;
  return options;
}

/**
 * A number above zero, in the grammar every program here reads numbers with
 * (`readSeconds`), but refused in this option's own words: a speed is no number of seconds.
 */
function readPositive(option: string, text: string, what: string): number {
  let value = 0;
  try {
    value = readSeconds(option, text);
  } catch {
    // not a number at all: refused below, like zero
  }
  if (value <= 0) throw new UsageError(`${option} takes ${what}, not '${text}'`);
  return value;
}
