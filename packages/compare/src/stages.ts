// The stages compare runs. A stage is any package under packages/ whose
// package.json has a `slowPoetry` field (read by findStages in
// @slow-poetry/test-kit/stages); nothing about any stage is written into this
// tool, so a new stage (or a reader's own experiment) plugs in by adding one.
// What is compare's own: each stage's getPoetry declarations, and why a stage
// cannot run yet.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { defaultPackagesDir, findStages, type StagePackage } from '@slow-poetry/test-kit/stages';

export { defaultPackagesDir };

export interface StageInfo extends StagePackage {
  /** The exported getPoetry declarations, one per overload, read from dist/get-poetry.d.ts. */
  signature: string[];
  /** Why the stage cannot run yet; undefined when it can. */
  skip?: string;
}

/** Every stage found under `packagesDir`, in stage order; problems become `skip` notes, never errors. */
export function stagesToCompare(packagesDir = defaultPackagesDir): StageInfo[] {
  return findStages(packagesDir).map((found) => {
    const stage: StageInfo = { ...found, signature: found.problem === undefined ? readSignature(found.dir) : [] };
    const skip = found.problem ?? whyNotRunnable(stage);
    if (skip !== undefined) stage.skip = skip;
    return stage;
  });
}

function whyNotRunnable(stage: StagePackage): string | undefined {
  const index = join(stage.dir, 'src', 'index.ts');
  const placeholder = existsSync(index) && /^\s*(\/\/[^\n]*\n\s*)*export\s*\{\s*\}\s*;?\s*$/.test(readFileSync(index, 'utf8'));
  if (placeholder && !existsSync(join(stage.dir, 'src', 'cli.ts'))) return 'not written yet (its src/index.ts is a placeholder)';
  if (!stage.built) return "not built yet (no dist/cli.js: run 'pnpm build')";
  if (!existsSync(stage.launcher)) return `its launcher ${stage.launcher} is missing`;
  return undefined;
}

/**
 * The `export declare function getPoetry…` lines of dist/get-poetry.d.ts, as
 * `getPoetry(…): …`. Read from the compiled declarations so that the table
 * shows what the code really exports.
 */
export function readSignature(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, 'dist', 'get-poetry.d.ts'), 'utf8');
  } catch {
    return [];
  }
  return parseSignatures(text);
}

export function parseSignatures(declarations: string): string[] {
  const found: string[] = [];
  const start = /^export declare (?:function|const) (?=getPoetry\b)/gm;
  for (const match of declarations.matchAll(start)) {
    // A declaration may span lines (tsc writes object types out in full): read on
    // to the ';' that is outside every bracket.
    let depth = 0;
    let end = match.index + match[0].length;
    for (; end < declarations.length; end++) {
      const c = declarations[end];
      if (c === '(' || c === '{' || c === '[' || c === '<') depth++;
      else if (c === ')' || c === '}' || c === ']' || (c === '>' && declarations[end - 1] !== '=')) depth--;
      else if (c === ';' && depth <= 0) break;
    }
    found.push(
      declarations
        .slice(match.index + match[0].length, end)
        .replace(/\s+/g, ' ')
        .trim(),
    );
  }
  return found;
}
