// `slow-poetry-compare` (`pnpm compare`): every stage against the same slow
// servers, one after another, then the difference side by side.
import { exitStatus, onStopSignal, runMain, statusFor } from '@slow-poetry/cli-kit';

import { parseCompareArgs, program, usage } from './args.js';
import { compare } from './compare.js';
import { plainProgress, ttyProgress } from './progress.js';
import { renderText } from './report-text.js';
import { stopRunningStages } from './run-stage.js';
import { writeSvgs } from './svg.js';

async function main(): Promise<number> {
  const options = parseCompareArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(usage);
    return exitStatus.ok;
  }
  // With --json, stdout carries only the JSON: progress goes to stderr, and only to a terminal.
  const progressOut = options.json ? process.stderr : process.stdout;
  if (progressOut.isTTY) options.progress = ttyProgress(progressOut);
  else if (!options.json) options.progress = plainProgress(progressOut);
  // A reader that goes away (`| head`) makes a write fail with EPIPE: nobody is left to tell, so stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => {
      stopRunningStages();
      process.exit(exitStatus.failed);
    });
  }
  // Ctrl-C, SIGTERM, SIGHUP: stop the client that is running and remove its scratch folder, then go.
  // And however else the process ends (a crash), nothing of ours is left behind either.
  onStopSignal((signal) => {
    stopRunningStages();
    process.stderr.write(`\n${program}: stopped by ${signal}\n`);
    process.exit(statusFor(signal));
  });
  process.on('exit', stopRunningStages);

  const result = await compare(options);
  const written = options.svg === undefined ? [] : writeSvgs(result, options.svg);
  if (options.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    for (const failure of result.failures) process.stderr.write(`${program}: ${failure}\n`);
  } else {
    process.stdout.write('\n' + renderText(result, options.width ?? process.stdout.columns ?? 100) + '\n');
    if (written.length > 0) process.stdout.write(`SVG: ${written.join(', ')}\n`);
  }
  return result.ok ? exitStatus.ok : exitStatus.failed;
}

runMain(program, main);
