// `slow-poetry-bench`: run the benchmarks and write the figures to BENCHMARKS.md.
//
//   pnpm bench                       the default run (about a minute and a half)
//   pnpm bench --long                also the scene at speed 1, the blocking client at 100 downloads,
//                                    and five rounds of the 10,000-download runs
//   pnpm bench --only scale          one case (fidelity, scale, throughput; comma-separated)
//   pnpm bench --output FILE         write somewhere else (default: packages/bench/BENCHMARKS.md)
//   pnpm bench --dry-run             print the figures instead of writing them
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { exitStatus, runMain, UsageError } from '@slow-poetry/cli-kit';

import { fidelity } from './cases/fidelity.js';
import { scale } from './cases/scale.js';
import { throughput } from './cases/throughput.js';
import { renderReport, writeReport, type BenchReport } from './report.js';
import { benchClients, benchDir, floorClient } from './stages.js';

const cases = ['fidelity', 'scale', 'throughput'] as const;

const usage = `Usage: slow-poetry-bench [--long] [--only CASE,...] [--output FILE] [--dry-run]

Measure every stage (found in packages/*/package.json) and write BENCHMARKS.md.

Cases: fidelity (the tutorial's scene at speeds 10 and 100, and 1 with --long),
scale (100, 1,000 and 10,000 downloads at once, and the server's lateness),
throughput (50 MB and 100 MB at full speed).

Options:
  --long           add the long cases: the scene at speed 1, the blocking client at 100 downloads,
                   and five rounds of 10,000 downloads (every client once per round; medians kept)
  --only LIST      run only these cases (comma-separated)
  --output FILE    where to write the figures (default: packages/bench/BENCHMARKS.md)
  --dry-run        print the figures instead of writing them
  -h, --help       show this help
  --version        print the program's name and version`;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  // `pnpm bench -- --long` hands the `--` on: take it as the habit it is, not as the end of options.
  if (argv[0] === '--') argv.shift();
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      long: { type: 'boolean' },
      only: { type: 'string' },
      output: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(usage);
    return exitStatus.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const only = values.only === undefined ? [...cases] : values.only.split(',').map((name) => name.trim());
  for (const name of only) {
    if (!(cases as readonly string[]).includes(name)) throw new UsageError(`unknown case '${name}' (cases: ${cases.join(', ')})`);
  }
  const long = values.long ?? false;
  const output = values.output ?? join(benchDir, 'BENCHMARKS.md');

  const { clients: stages, skipped } = benchClients();
  for (const note of skipped) console.error(`skipped: ${note}`);
  const clients = [floorClient, ...stages];
  const log = (line: string): void => console.error(line);
  const report: BenchReport = {
    command: `pnpm bench${long ? ' --long' : ''}${values.only ? ` --only ${values.only}` : ''}`,
    startedAt: new Date(),
    seconds: 0,
    loadBefore: os.loadavg(),
    loadAfter: [],
    clients,
    skipped,
  };
  const started = performance.now();

  if (only.includes('fidelity')) report.fidelity = await fidelity(clients, long ? [1, 10, 100] : [10, 100], log);
  if (only.includes('scale')) report.scale = await scale(clients, [100, 1000, 10_000], { long, repeats: long ? 5 : 1 }, log);
  if (only.includes('throughput')) report.throughput = await throughput(clients, [50, 100], log);

  report.seconds = (performance.now() - started) / 1000;
  report.loadAfter = os.loadavg();
  const body = renderReport(report);
  if (values['dry-run']) console.log(body);
  else {
    writeReport(output, body);
    console.error(`wrote ${output}`);
  }
  return exitStatus.ok;
}

runMain('slow-poetry-bench', main);
