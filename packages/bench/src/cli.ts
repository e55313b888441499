// `slow-poetry-bench`: run the benchmarks and write the figures to BENCHMARKS.md.
//
//   pnpm bench                       the default run (a few minutes)
//   pnpm bench --long                also the scene at speed 1, the blocking client at 100 downloads,
//                                    and five rounds of the 10,000-download runs
//   pnpm bench --only scale          one case (fidelity, scale, throughput, heap; comma-separated)
//   pnpm bench --output FILE         write somewhere else (default: packages/bench/BENCHMARKS.md)
//   pnpm bench --dry-run             print the figures instead of writing them
//   pnpm bench --json                also print every figure as one JSON document on stdout
//   pnpm bench --clients floor,3     only these clients (keys as in the tables)
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { cleanUp, exitStatus, onStopSignal, runMain, statusFor, UsageError } from '@slow-poetry/cli-kit';
import { describeError } from '@slow-poetry/shared';

import { fidelity } from './cases/fidelity.js';
import { heapCensus, heapClients, heapDownloads } from './cases/heap.js';
import { scale, scaleRuns } from './cases/scale.js';
import { throughput, throughputTries } from './cases/throughput.js';
import { progress } from './progress.js';
import { checkOutput, renderReport, reportData, writeReport, type BenchReport } from './report.js';
import { benchClients, benchDir, floorClient, keeperClient, peerClients, type BenchClient } from './stages.js';

const cases = ['fidelity', 'scale', 'throughput', 'heap'] as const;

const usage = `Usage: slow-poetry-bench [--long] [--only CASE,...] [--output FILE] [--dry-run]

Measure every stage (found in packages/*/package.json) and write BENCHMARKS.md.

Cases: fidelity (the tutorial's scene at speeds 10 and 100, and 1 with --long),
scale (100, 1,000 and 10,000 downloads at once, and the server's lateness),
throughput (50 MB and 100 MB at full speed), heap (what one more download keeps
in each client's heap, object by object).

Options:
  --long           add the long cases: the scene at speed 1, the blocking client at 100 downloads,
                   and five rounds of 10,000 downloads (every client once per round; medians kept)
  --only LIST      run only these cases (comma-separated)
  --output FILE    where to write the figures (default: packages/bench/BENCHMARKS.md)
  --dry-run        print the figures instead of writing them
  --json           also print every figure as one JSON document on stdout
  --clients LIST   only these clients, by key (floor, keeper, 1, 2-select, 2-poll, 3, …; comma-separated)
  -h, --help       show this help
  --version        print the program's name and version

Exit status: 0 once the figures are written, 1 if they could not be (they go to
stdout instead), 2 for bad input (checked before anything is measured, --output
included), 130 after Ctrl-C (SIGINT), 143 after SIGTERM, 129 after SIGHUP.`;

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
      json: { type: 'boolean' },
      clients: { type: 'string' },
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
  if (!values['dry-run']) checkOutput(output);

  // Ctrl-C, SIGTERM, SIGHUP: kill the client being measured and the servers, remove the scratch folders, go.
  // At any other exit (a crash), the same; and the servers end by themselves with the bench (see servers.ts).
  onStopSignal((signal) => {
    cleanUp();
    process.stderr.write(`\nslow-poetry-bench: stopped by ${signal}\n`);
    process.exit(statusFor(signal));
  });
  process.on('exit', cleanUp);

  const { clients: stages, skipped: stagesSkipped } = benchClients();
  const { clients: peers, skipped: peersSkipped } = peerClients();
  const skipped = [...stagesSkipped, ...peersSkipped];
  // Bad input first: a refusal is one line on stderr, with no notes before it.
  const clients = chooseClients([floorClient, keeperClient, ...stages, ...peers], values.clients);
  for (const note of skipped) console.error(`skipped: ${note}`);
  const speeds = long ? [1, 10, 100] : [10, 100];
  const sizes = [100, 1000, 10_000];
  const repeats = long ? 5 : 1;
  const planned =
    (only.includes('fidelity') ? speeds.length * clients.length : 0) +
    (only.includes('scale') ? scaleRuns(clients, sizes, { long, repeats }) : 0) +
    (only.includes('throughput') ? clients.length * 2 * throughputTries : 0) +
    (only.includes('heap') ? heapClients(clients).clients.length : 0);
  const shown = progress(planned);
  const log = (line: string): void => shown.ran(line);
  const report: BenchReport = {
    command: `pnpm bench${long ? ' --long' : ''}${values.only ? ` --only ${values.only}` : ''}${values.clients ? ` --clients ${values.clients}` : ''}`,
    startedAt: new Date(),
    seconds: 0,
    loadBefore: os.loadavg(),
    loadAfter: [],
    clients,
    skipped,
  };
  const started = performance.now();

  if (only.includes('fidelity')) report.fidelity = await fidelity(clients, speeds, log);
  if (only.includes('scale')) report.scale = await scale(clients, sizes, { long, repeats }, log);
  if (only.includes('throughput')) report.throughput = await throughput(clients, [50, 100], log);
  if (only.includes('heap')) report.heap = await heapCensus(clients, heapDownloads, log);
  shown.end();

  report.seconds = (performance.now() - started) / 1000;
  report.loadAfter = os.loadavg();
  const body = renderReport(report);
  // With --json, stdout carries the figures as data and nothing else.
  if (values.json) process.stdout.write(JSON.stringify(reportData(report)) + '\n');
  else if (values['dry-run']) console.log(body);
  if (!values['dry-run']) {
    try {
      writeReport(output, body);
    } catch (error) {
      // Checked at the start, and gone since: keep the run's figures on stdout (with --json they are there already).
      if (!values.json) console.log(body);
      throw new Error(`cannot write the figures to '${output}' (${describeError(error)}); they are on stdout instead`, {
        cause: error,
      });
    }
    console.error(`wrote ${output}`);
  }
  return exitStatus.ok;
}

/** The clients `--clients` names (by key), or all of them. */
function chooseClients(all: BenchClient[], list: string | undefined): BenchClient[] {
  if (list === undefined) return all;
  const keys = list.split(',').map((key) => key.trim());
  for (const key of keys) {
    if (!all.some((client) => client.key === key)) {
      throw new UsageError(`--clients: no client '${key}' (clients: ${all.map((client) => client.key).join(', ')})`);
    }
  }
  return all.filter((client) => keys.includes(client.key));
}

runMain('slow-poetry-bench', main);
