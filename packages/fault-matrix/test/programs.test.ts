// Bad input for the programs that are not clients: the slow server, the scene,
// the bench and the comparison. (Each stage's client gets its own rows from its
// own tests, through describeFaultMatrix; the reference client's are in
// reference-client.test.ts.)
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { poetryDir } from '@slow-poetry/slow-server';
import { defaultPackagesDir as packagesDir, findStages } from '@slow-poetry/test-kit/stages';
import { afterAll, describe, expect, it } from 'vitest';

import { describeBadInput, runBin, type Program } from '../src/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'fault-matrix-programs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const aFile = join(scratch, 'a-file.txt');
writeFileSync(aFile, 'not a folder\n');
const emptyDir = mkdtempSync(join(scratch, 'empty-'));
const missing = join(scratch, 'no-such-file.txt');
const poemFile = join(poetryDir, 'science.txt');
/** A stage number that no stage has. */
const noSuchStage = String(Math.max(0, ...findStages().map((stage) => stage.stage || 0)) + 1);

export const programs: Program[] = [
  {
    name: 'slowpoetry',
    binPath: join(packagesDir, 'slow-server', 'bin', 'slowpoetry.js'),
    cases: [
      ['no poem file', ['--port', '0']],
      ['two poem files', ['--port', '0', poemFile, poemFile]],
      ['a missing poem file', ['--port', '0', missing]],
      ['a directory as the poem', ['--port', '0', poetryDir]],
      ['port 70000', ['--port', '70000', poemFile]],
      ['a port that is not a number', ['--port', 'abc', poemFile]],
      ['a negative delay', ['--port', '0', '--delay=-1', poemFile]],
      ['a delay that is not a number', ['--port', '0', '--delay', 'slow', poemFile]],
      ['zero bytes per chunk', ['--port', '0', '--num-bytes', '0', poemFile]],
      ['a negative chunk size', ['--port', '0', '--num-bytes=-3', poemFile]],
      ['a chunk size that is not a number', ['--port', '0', '--num-bytes', 'x', poemFile]],
      ['a fault after a negative count', ['--port', '0', '--reset-after=-1', poemFile]],
      ['two faults at once', ['--port', '0', '--reset-after', '5', '--stall-after', '5', poemFile]],
      ['a zero backlog', ['--port', '0', '--backlog', '0', poemFile]],
      ['an unknown option', ['--port', '0', '--bogus', poemFile]],
      ['an interface that does not exist', ['--port', '0', '--iface', 'no-such-host.invalid', poemFile]],
    ],
  },
  {
    name: 'slowpoetry-scene',
    binPath: join(packagesDir, 'slow-server', 'bin', 'slowpoetry-scene.js'),
    // --base-port 0 everywhere: should a case slip through, it must not take the tutorial's ports.
    cases: [
      ['a zero speed', ['--base-port', '0', '--speed', '0']],
      ['a negative speed', ['--base-port', '0', '--speed=-1']],
      ['a speed that is not a number', ['--base-port', '0', '--speed', 'fast']],
      ['base port 70000', ['--base-port', '70000']],
      ['a base port that is not a number', ['--base-port', 'abc']],
      ['a missing poetry folder', ['--base-port', '0', '--poetry', missing]],
      ['an empty poetry folder', ['--base-port', '0', '--poetry', emptyDir]],
      ['a file as the poetry folder', ['--base-port', '0', '--poetry', aFile]],
      ['an unknown option', ['--base-port', '0', '--bogus']],
      ['an argument it does not take', ['--base-port', '0', 'extra']],
    ],
  },
  {
    name: 'slow-poetry-bench',
    binPath: join(packagesDir, 'bench', 'bin', 'slow-poetry-bench.js'),
    // A slip-through would start measuring: the deadline catches it.
    cases: [
      ['an unknown case', ['--only', 'everything']],
      ['an unknown option', ['--bogus']],
      ['an argument it does not take', ['extra']],
    ],
  },
  {
    name: 'slow-poetry-compare',
    binPath: join(packagesDir, 'compare', 'bin', 'slow-poetry-compare.js'),
    // --speed 100 everywhere: should a case slip through, the run is over in a
    // moment (and fails the test) instead of taking a minute.
    cases: [
      ['a zero speed', ['--speed', '0']],
      ['a negative speed', ['--speed=-1']],
      ['a speed that is not a number', ['--speed', 'fast']],
      ['a stage that does not exist', ['--speed', '100', '--stages', noSuchStage]],
      ['stages that are not numbers', ['--speed', '100', '--stages', 'abc']],
      ['a missing poem file', ['--speed', '100', '--poems', missing]],
      ['a directory as the poem', ['--speed', '100', '--poems', poetryDir]],
      ['zero bytes per chunk', ['--speed', '100', '--num-bytes', '0']],
      ['a negative chunk size', ['--speed', '100', '--num-bytes=-3']],
      ["a chunk size above the server's 16 MiB", ['--speed', '100', '--num-bytes', '16777217']],
      ['a negative delay', ['--speed', '100', '--delay=-1']],
      ["a speed so slow that a client's deadline outgrows a timer", ['--speed', '0.0000001']],
      ['a delay longer than a timer can wait', ['--delay', '3000000']],
      ['a delay that is not a number', ['--speed', '100', '--delay', 'slow']],
      ['a width that is not a number', ['--speed', '100', '--width', 'wide']],
      ['an unknown option', ['--speed', '100', '--bogus']],
      ['an argument it does not take', ['--speed', '100', 'extra']],
    ],
  },
];

describeBadInput(programs);

// Every command the project installs (every package's `bin`), found, not listed.
const commands = readdirSync(packagesDir).flatMap((folder) => {
  let manifest: { version?: string; bin?: Record<string, string> };
  try {
    manifest = JSON.parse(readFileSync(join(packagesDir, folder, 'package.json'), 'utf8')) as typeof manifest;
  } catch {
    return [];
  }
  return Object.entries(manifest.bin ?? {})
    .filter(([name]) => name !== 'slow-poetry-build-quietly') // a build step for the root scripts, not a program
    .map(([name, file]) => ({ name, path: join(packagesDir, folder, file), version: manifest.version }));
});

describe.concurrent.each(commands)('$name', ({ name, path, version }) => {
  it('answers --version with its name and its version', async () => {
    const result = await runBin(path, ['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${name} ${version}\n`, stderr: '' });
  });
});
