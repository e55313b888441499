// Finding the stages. A stage is any package under packages/ whose package.json
// has a `slowPoetry` field; nothing about any stage is written into the tools,
// so a new stage (or a reader's own experiment) plugs in by adding a folder.
// This is the one reader of that field: compare, bench and the fault matrix
// each build their own view of the stages on what it returns.
//
//   "slowPoetry": {
//     "stage": 2,                        reading order
//     "title": "select loop",
//     "bin": "get-poetry-select",        its client (a key of the package's "bin")
//     "returns": "…",                    one line: what getPoetry gives back
//     "concurrent": true,                all downloads at once, or one after another?
//     "holdsThread": true,               does the client keep Node's thread while it waits?
//     "variants": [                      optional: ways to run it, each measured and tested
//       { "name": "select", "args": ["--poller", "select"],
//         "limit": { "downloads": 1000, "why": "select(2) takes descriptors below 1024 only" } },
//       { "name": "poll", "args": ["--poller", "poll"] }
//     ],
//     "badInput": {                      optional: its own options' bad values ({port}: a closed port)
//       "an unknown poller": ["--poller", "epoll", "{port}"]
//     }
//   }
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's packages/ folder (the same path from src/ and from dist/). */
export const defaultPackagesDir = fileURLToPath(new URL('../../', import.meta.url));

/** One way to run a stage's client. */
export interface StageVariant {
  /** e.g. 'poll'; '' for a stage with one way only. */
  name: string;
  /** Options put before the common ones, e.g. ['--poller', 'poll']. */
  args: string[];
  /** The most downloads at once it can run, and why. */
  limit?: { downloads: number; why: string };
}

/** A package with a `slowPoetry` field, as its package.json describes it. */
export interface StagePackage {
  /** Reading order: 1 for the first stage; NaN when the field is invalid. */
  stage: number;
  /** e.g. 'select loop'; the package's folder name when the field is invalid. */
  title: string;
  /** The package's name, e.g. '@slow-poetry/2-select-loop'. */
  name: string;
  /** The client's command, e.g. 'get-poetry-select'. */
  bin: string;
  /** One line: what getPoetry gives back ('' when not given). */
  returns: string;
  /** Does the client download its poems at the same time (true) or one after another? */
  concurrent: boolean;
  /** Does the client keep Node's thread while it waits (a blocking call, a loop of its own)? */
  holdsThread: boolean;
  /** At least one: `[{ name: '', args: [] }]` for a stage with one way to run. */
  variants: StageVariant[];
  /** The stage's own options' bad values, by why they are bad; `{port}` stands for a closed port. */
  badInput: Record<string, string[]>;
  /** The package's folder. */
  dir: string;
  /** The launcher to run with `node`, from the package's `bin` map ('' when the field is invalid). */
  launcher: string;
  /** Does its dist/cli.js exist? False while it has not been built (or written) yet. */
  built: boolean;
  /** What is wrong with the field, e.g. 'packages/x/package.json: slowPoetry.stage must be a whole number'. */
  problem?: string;
}

/** One stage run one way: what compare, bench and the fault matrix each run. */
export interface StageClient {
  /** e.g. '2-poll', '3'. */
  key: string;
  /** e.g. 'stage 2 (select loop, poll)'. */
  label: string;
  stage: StagePackage;
  variant: StageVariant;
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
  const stages = entries
    .sort()
    .map((entry) => readStage(join(packagesDir, entry)))
    .filter((stage): stage is StagePackage => stage !== undefined);
  return stages.sort((a, b) => (a.stage || 0) - (b.stage || 0) || a.dir.localeCompare(b.dir));
}

/** The stage in this package folder, or undefined if the folder holds no package with a `slowPoetry` field. */
export function readStage(dir: string): StagePackage | undefined {
  const manifest = readJson(join(dir, 'package.json'));
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  const { slowPoetry, bin: bins, name } = manifest as { slowPoetry?: unknown; bin?: Record<string, string>; name?: unknown };
  if (slowPoetry === undefined) return undefined;
  const built = existsSync(join(dir, 'dist', 'cli.js'));
  const packageName = typeof name === 'string' ? name : basename(dir);
  const field = readStageField(slowPoetry);
  if (typeof field === 'string') {
    return {
      stage: Number.NaN,
      title: basename(dir),
      name: packageName,
      bin: '',
      returns: '',
      concurrent: false,
      holdsThread: false,
      variants: [{ name: '', args: [] }],
      badInput: {},
      dir,
      launcher: '',
      built,
      problem: `packages/${basename(dir)}/package.json: ${field}`,
    };
  }
  return { ...field, name: packageName, dir, launcher: join(dir, bins?.[field.bin] ?? `bin/${field.bin}.js`), built };
}

/** Each stage once per variant, labelled as every tool prints it. */
export function stageClients(stages: StagePackage[]): StageClient[] {
  return stages.flatMap((stage) =>
    stage.variants.map((variant) => ({
      key: variant.name === '' ? String(stage.stage) : `${stage.stage}-${variant.name}`,
      label: stageLabel(stage, variant),
      stage,
      variant,
    })),
  );
}

/** `stage 2 (select loop, poll)`, or `stage 3 (callbacks)`. */
export function stageLabel(stage: Pick<StagePackage, 'stage' | 'title'>, variant?: Pick<StageVariant, 'name'>): string {
  const number = Number.isNaN(stage.stage) ? '?' : String(stage.stage);
  return `stage ${number} (${[stage.title, ...(variant?.name ? [variant.name] : [])].join(', ')})`;
}

type StageField = Pick<
  StagePackage,
  'stage' | 'title' | 'bin' | 'returns' | 'concurrent' | 'holdsThread' | 'variants' | 'badInput'
>;

function readStageField(field: unknown): StageField | string {
  if (typeof field !== 'object' || field === null) return 'slowPoetry must be an object';
  const f = field as Record<string, unknown>;
  if (typeof f['stage'] !== 'number' || !Number.isInteger(f['stage'])) return 'slowPoetry.stage must be a whole number';
  if (typeof f['title'] !== 'string') return 'slowPoetry.title must be a string';
  if (typeof f['bin'] !== 'string' || f['bin'] === '') return 'slowPoetry.bin must name the client';
  if (typeof f['concurrent'] !== 'boolean') return 'slowPoetry.concurrent must be true or false';
  if (f['holdsThread'] !== undefined && typeof f['holdsThread'] !== 'boolean')
    return 'slowPoetry.holdsThread must be true or false';
  const variants = readVariants(f['variants']);
  if (typeof variants === 'string') return variants;
  const badInput = readBadInput(f['badInput']);
  if (typeof badInput === 'string') return badInput;
  return {
    stage: f['stage'],
    title: f['title'],
    bin: f['bin'],
    returns: typeof f['returns'] === 'string' ? f['returns'] : '',
    concurrent: f['concurrent'],
    holdsThread: f['holdsThread'] === true,
    variants,
    badInput,
  };
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function readVariants(value: unknown): StageVariant[] | string {
  if (value === undefined) return [{ name: '', args: [] }];
  const problem = 'slowPoetry.variants must be a list of { name, args[, limit: { downloads, why }] }';
  if (!Array.isArray(value) || value.length === 0) return problem;
  const variants: StageVariant[] = [];
  for (const item of value as unknown[]) {
    const v = item as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || typeof v['name'] !== 'string' || v['name'] === '' || !isStrings(v['args']))
      return problem;
    const variant: StageVariant = { name: v['name'], args: v['args'] };
    const limit = v['limit'] as Record<string, unknown> | undefined;
    if (limit !== undefined) {
      if (
        typeof limit !== 'object' ||
        limit === null ||
        !Number.isInteger(limit['downloads']) ||
        typeof limit['why'] !== 'string'
      )
        return problem;
      variant.limit = { downloads: limit['downloads'] as number, why: limit['why'] };
    }
    variants.push(variant);
  }
  return variants;
}

function readBadInput(value: unknown): Record<string, string[]> | string {
  if (value === undefined) return {};
  const problem = 'slowPoetry.badInput must map a reason to a list of arguments';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem;
  for (const args of Object.values(value)) if (!isStrings(args)) return problem;
  return value as Record<string, string[]>;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
