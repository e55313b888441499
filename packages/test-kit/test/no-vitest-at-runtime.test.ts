// test-kit carries the vitest dependency so that no runtime package does: the
// tools find the stages through `@slow-poetry/test-kit/stages`, which must not
// load vitest. Checked by importing each runtime package in a Node process where
// resolving vitest throws.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { defaultPackagesDir } from '../src/stages.js';

/** A resolve hook that refuses vitest and its own packages, naming who asked. */
const refuseVitest = `export async function resolve(specifier, context, next) {
  if (/^(vitest|@vitest\\/)/.test(specifier)) throw new Error('vitest imported by ' + context.parentURL);
  return next(specifier, context);
}`;

/** Import `entries` (file paths) with vitest refused: the status, and the first line of stderr. */
function importWithoutVitest(entries: string[]): { status: number | null; stderr: string } {
  const source = [
    "import { register } from 'node:module';",
    `register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(refuseVitest))});`,
    ...entries.map((entry) => `await import(${JSON.stringify(pathToFileURL(entry).href)});`),
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8', timeout: 20_000 });
  return { status: child.status, stderr: child.stderr };
}

/** Packages whose package.json lists vitest are test code (test-kit, fault-matrix); the others run for users. */
const runtimePackages = readdirSync(defaultPackagesDir).filter((name) => {
  const manifest = join(defaultPackagesDir, name, 'package.json');
  if (!existsSync(manifest)) return false;
  const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
  return !('vitest' in dependencies);
});

describe('vitest at run time', () => {
  it('is loaded by no runtime package, nor by test-kit/stages, which the tools use to find the stages', () => {
    expect(runtimePackages).toEqual(expect.arrayContaining(['compare', 'bench', 'exercise', 'shared', 'slow-server']));
    const entries = [
      ...runtimePackages.map((name) => join(defaultPackagesDir, name, 'dist', 'index.js')),
      join(defaultPackagesDir, 'test-kit', 'dist', 'stages.js'),
    ];
    const result = importWithoutVitest(entries);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it("is what test-kit's own entry loads: the check can tell", () => {
    const result = importWithoutVitest([join(defaultPackagesDir, 'test-kit', 'dist', 'index.js')]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/vitest imported by file:.*test-kit/);
  });
});
