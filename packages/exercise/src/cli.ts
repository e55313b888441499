// `slow-poetry-exercise` (`pnpm exercise`): try an exercise that changes a
// stage's code, without changing the stage.
//
//   pnpm exercise --list                        every exercise, with its title
//   pnpm exercise 2 blocking-sockets 10000 10001 10002
//                                               apply, build, run the patched client with these arguments
//   pnpm exercise 2 blocking-sockets --diff     show the change itself
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';

import { exitStatus, runMain, stopSignals, UsageError } from '@slow-poetry/cli-kit';

import { buildExercise, findExercise, findExercises } from './exercises.js';

const usage = `Usage: slow-poetry-exercise STAGE NAME [ARGS...]
       slow-poetry-exercise STAGE NAME --diff
       slow-poetry-exercise --list

Copy STAGE (its number or its folder) to a scratch folder, apply the exercise
NAME (packages/<stage>/exercises/NAME.patch) to the copy, build it, and run the
patched client with ARGS. The stage itself is never changed.

Options:
  --list       list every exercise
  --diff       print the exercise's change instead of running it
  -h, --help   show this help
  --version    print the program's name and version

Exit status: the patched program's own, or 2 for bad input.`;

function main(): number {
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift(); // `pnpm exercise -- …`
  if (args.length === 0 || args[0] === '-h' || args[0] === '--help') {
    console.log(usage);
    return args.length === 0 ? exitStatus.usage : exitStatus.ok;
  }
  if (args[0] === '--list') {
    for (const e of findExercises()) console.log(`${basename(e.stage.dir).padEnd(16)} ${e.name.padEnd(24)} ${e.title}`);
    return exitStatus.ok;
  }
  const [stage, name, ...rest] = args;
  if (name === undefined) throw new UsageError('name an exercise too (see --list)');
  const exercise = findExercise(stage!, name);
  if (rest[0] === '--diff') {
    process.stdout.write(exercise.patch);
    return exitStatus.ok;
  }
  process.stderr.write(`${exercise.title}\nbuilding a patched copy of stage ${exercise.stage.stage}…\n`);
  const built = buildExercise(exercise);
  const programArgs = rest[0] === '--' ? rest.slice(1) : rest;
  process.stderr.write(`running ${built.entry}\n\n`);
  // The patched program gets the terminal, and its signals, as it would run by itself.
  // Ctrl-C reaches this process too: it must not end it before the program has
  // finished handling its own (handlers installed here keep the default action away;
  // while spawnSync waits they cannot even run). The program's way of ending is ours.
  const ignore = (): void => {};
  for (const signal of stopSignals) process.on(signal, ignore);
  const run = spawnSync(process.execPath, [built.entry, ...programArgs], { stdio: 'inherit' });
  for (const signal of stopSignals) process.off(signal, ignore);
  if (run.signal !== null) process.kill(process.pid, run.signal);
  return run.status ?? exitStatus.failed;
}

runMain('slow-poetry-exercise', main);
