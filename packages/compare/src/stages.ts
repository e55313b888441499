// Finding the stages. A stage is any package under packages/ whose package.json
// has a `slowPoetry` field; nothing about the five stages is written into this
// tool, so a new stage (or a reader's own experiment) plugs in by adding one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's packages/ folder (the same path from src/ and from dist/). */
export const defaultPackagesDir = fileURLToPath(new URL('../../', import.meta.url));

export interface StageInfo {
  /** 1 to 5 for the course's own stages. */
  stage: number;
  /** e.g. 'blocking' */
  title: string;
  /** The client's command, e.g. 'get-poetry-blocking'. */
  bin: string;
  /** One line: what getPoetry gives back. */
  returns: string;
  /** Does the client download its poems at the same time (true) or one after another? */
  concurrent: boolean;
  /** The package's folder. */
  dir: string;
  /** The launcher script to run with node. */
  launcher: string;
  /** The exported getPoetry declarations, one per overload, read from dist/get-poetry.d.ts. */
  signature: string[];
  /** Why the stage cannot run yet; undefined when it can. */
  skip?: string;
}

/** Every stage found under `packagesDir`, in stage order; problems become `skip` notes, never errors. */
export function discoverStages(packagesDir = defaultPackagesDir): StageInfo[] {
  const stages: StageInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync(packagesDir);
  } catch {
    return [];
  }
  for (const entry of entries.sort()) {
    const dir = join(packagesDir, entry);
    const manifest = readJson(join(dir, 'package.json'));
    if (manifest === undefined || typeof manifest !== 'object' || manifest === null) continue;
    const field = (manifest as { slowPoetry?: unknown }).slowPoetry;
    if (field === undefined) continue;
    const info = readStageField(field);
    if (typeof info === 'string') {
      stages.push({
        stage: Number.NaN,
        title: entry,
        bin: '',
        returns: '',
        concurrent: false,
        dir,
        launcher: '',
        signature: [],
        skip: `packages/${entry}/package.json: ${info}`,
      });
      continue;
    }
    const bins = (manifest as { bin?: Record<string, string> }).bin ?? {};
    const launcher = join(dir, bins[info.bin] ?? `bin/${info.bin}.js`);
    const stage: StageInfo = { ...info, dir, launcher, signature: readSignature(dir) };
    const skip = whyNotRunnable(stage);
    if (skip !== undefined) stage.skip = skip;
    stages.push(stage);
  }
  return stages.sort((a, b) => (a.stage || 0) - (b.stage || 0) || a.dir.localeCompare(b.dir));
}

type StageField = Pick<StageInfo, 'stage' | 'title' | 'bin' | 'returns' | 'concurrent'>;

function readStageField(field: unknown): StageField | string {
  if (typeof field !== 'object' || field === null) return 'slowPoetry must be an object';
  const f = field as Record<string, unknown>;
  if (typeof f['stage'] !== 'number' || !Number.isInteger(f['stage'])) return 'slowPoetry.stage must be a whole number';
  if (typeof f['title'] !== 'string') return 'slowPoetry.title must be a string';
  if (typeof f['bin'] !== 'string' || f['bin'] === '') return 'slowPoetry.bin must name the client';
  if (typeof f['concurrent'] !== 'boolean') return 'slowPoetry.concurrent must be true or false';
  return {
    stage: f['stage'],
    title: f['title'],
    bin: f['bin'],
    returns: typeof f['returns'] === 'string' ? f['returns'] : '',
    concurrent: f['concurrent'],
  };
}

function whyNotRunnable(stage: StageInfo): string | undefined {
  const index = join(stage.dir, 'src', 'index.ts');
  const placeholder = existsSync(index) && /^\s*(\/\/[^\n]*\n\s*)*export\s*\{\s*\}\s*;?\s*$/.test(readFileSync(index, 'utf8'));
  if (placeholder && !existsSync(join(stage.dir, 'src', 'cli.ts'))) return 'not written yet (its src/index.ts is a placeholder)';
  if (!existsSync(join(stage.dir, 'dist', 'cli.js'))) return "not built yet (no dist/cli.js: run 'pnpm build')";
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
    found.push(declarations.slice(match.index + match[0].length, end).replace(/\s+/g, ' ').replace(/\{ /g, '{ ').trim());
  }
  return found;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
