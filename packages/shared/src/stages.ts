// Finding the stages. A stage is any package under packages/ whose package.json
// has a `slowPoetry` field; nothing about the five stages is written into the
// tools, so a new stage (or a reader's own experiment) plugs in by adding one.
// This is the one reader of that field: compare, bench and the fault matrix each
// build their own view of the stages on what it returns.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's packages/ folder (the same path from src/ and from dist/). */
export const defaultPackagesDir = fileURLToPath(new URL('../../', import.meta.url));

/** A package with a `slowPoetry` field, as its package.json describes it. */
export interface StagePackage {
  /** 1 to 5 for the course's own stages; NaN when the field is invalid. */
  stage: number;
  /** e.g. 'select loop'; the package's folder name when the field is invalid. */
  title: string;
  /** The client's command, e.g. 'get-poetry-select'. */
  bin: string;
  /** One line: what getPoetry gives back ('' when not given). */
  returns: string;
  /** Does the client download its poems at the same time (true) or one after another? */
  concurrent: boolean;
  /** The package's folder. */
  dir: string;
  /** The launcher to run with `node`, from the package's `bin` map ('' when the field is invalid). */
  launcher: string;
  /** Does its dist/cli.js exist? False while it has not been built (or written) yet. */
  built: boolean;
  /** What is wrong with the field, e.g. 'packages/x/package.json: slowPoetry.stage must be a whole number'. */
  problem?: string;
}

/**
 * Every package in `packagesDir` whose package.json has a `slowPoetry` field, in
 * stage order (those with an invalid field first, by folder). A folder that cannot
 * be read, or a package.json that is not JSON, is not a stage; an invalid field
 * is reported in `problem`, never thrown.
 */
export function findStages(packagesDir = defaultPackagesDir): StagePackage[] {
  let entries: string[];
  try {
    entries = readdirSync(packagesDir);
  } catch {
    return [];
  }
  const stages: StagePackage[] = [];
  for (const entry of entries.sort()) {
    const dir = join(packagesDir, entry);
    const manifest = readJson(join(dir, 'package.json'));
    if (typeof manifest !== 'object' || manifest === null) continue;
    const { slowPoetry, bin: bins } = manifest as { slowPoetry?: unknown; bin?: Record<string, string> };
    if (slowPoetry === undefined) continue;
    const built = existsSync(join(dir, 'dist', 'cli.js'));
    const field = readStageField(slowPoetry);
    if (typeof field === 'string') {
      const problem = `packages/${entry}/package.json: ${field}`;
      stages.push({ stage: Number.NaN, title: entry, bin: '', returns: '', concurrent: false, dir, launcher: '', built, problem });
      continue;
    }
    stages.push({ ...field, dir, launcher: join(dir, bins?.[field.bin] ?? `bin/${field.bin}.js`), built });
  }
  return stages.sort((a, b) => (a.stage || 0) - (b.stage || 0) || a.dir.localeCompare(b.dir));
}

type StageField = Pick<StagePackage, 'stage' | 'title' | 'bin' | 'returns' | 'concurrent'>;

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

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
