// Finding stages and reading their getPoetry signatures: the data compare runs on.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { defaultPackagesDir, stagesToCompare, parseSignatures } from '../src/index.js';
import { makeToyStages } from '@slow-poetry/test-kit';

describe('parseSignatures', () => {
  it('reads every overload, in order, from compiled declarations', () => {
    const dts = [
      "import type { Address } from '@slow-poetry/shared';",
      'export type PoetryCallback = (error: Error | null, poem?: Uint8Array) => void;',
      'export declare function getPoetry(address: Address, callback: PoetryCallback): void;',
      'export declare function getPoetry(address: Address, options: PoetryOptions, callback: PoetryCallback): void;',
      'export declare function poetryChunks(address: Address): AsyncIterable<Uint8Array>;',
      '//# sourceMappingURL=get-poetry.d.ts.map',
    ].join('\n');
    expect(parseSignatures(dts)).toEqual([
      'getPoetry(address: Address, callback: PoetryCallback): void',
      'getPoetry(address: Address, options: PoetryOptions, callback: PoetryCallback): void',
    ]);
  });

  it('joins a declaration that tsc spread over several lines into one', () => {
    const dts = [
      'export declare function getPoetry(address: Address, options?: {',
      '    timeout?: number;',
      '    signal?: AbortSignal;',
      '}): Promise<Uint8Array>;',
      'export declare const getPoetryLater: () => void;',
    ].join('\n');
    expect(parseSignatures(dts)).toEqual([
      'getPoetry(address: Address, options?: { timeout?: number; signal?: AbortSignal; }): Promise<Uint8Array>',
    ]);
  });

  it('reads an arrow function declared as a constant, and keeps => inside the type', () => {
    const dts = 'export declare const getPoetry: (address: Address) => Observable<Uint8Array>;\n';
    expect(parseSignatures(dts)).toEqual(['getPoetry: (address: Address) => Observable<Uint8Array>']);
  });

  it('finds nothing in a placeholder', () => {
    expect(parseSignatures('export {};\n')).toEqual([]);
  });
});

describe('stagesToCompare', () => {
  const toys = makeToyStages([
    { stage: 2, mode: 'concurrent' },
    { stage: 1, mode: 'sequential', unbuilt: true },
  ]);
  mkdirSync(join(toys.dir, 'not-a-stage'));
  writeFileSync(join(toys.dir, 'not-a-stage', 'package.json'), JSON.stringify({ name: 'tools' }));
  mkdirSync(join(toys.dir, 'bad-stage'));
  writeFileSync(join(toys.dir, 'bad-stage', 'package.json'), JSON.stringify({ slowPoetry: { stage: 'three' } }));
  afterAll(() => toys.remove());

  it('lists packages with a slowPoetry field in stage order, and only those', () => {
    const stages = stagesToCompare(toys.dir).filter((s) => !Number.isNaN(s.stage));
    expect(stages.map((s) => [s.stage, s.title, s.bin, s.concurrent])).toEqual([
      [1, 'toy sequential', 'get-poetry-toy-sequential', false],
      [2, 'toy concurrent', 'get-poetry-toy-concurrent', true],
    ]);
    expect(stages[0]!.skip).toMatch(/^not built yet/);
    expect(stages[1]!.skip).toBeUndefined();
    expect(stages[1]!.launcher).toBe(join(toys.dir, '2-toy-concurrent', 'bin', 'get-poetry-toy-concurrent.js'));
  });

  it('turns a malformed slowPoetry field into a note instead of an error', () => {
    const bad = stagesToCompare(toys.dir).find((s) => s.title === 'bad-stage');
    expect(bad?.skip).toBe('packages/bad-stage/package.json: slowPoetry.stage must be a whole number');
  });

  it('finds, in this repository, exactly the packages whose package.json has a slowPoetry field, in reading order', () => {
    const declared = readdirSync(defaultPackagesDir)
      .filter((entry) => existsSync(join(defaultPackagesDir, entry, 'package.json')))
      .filter((entry) => 'slowPoetry' in JSON.parse(readFileSync(join(defaultPackagesDir, entry, 'package.json'), 'utf8')));
    const stages = stagesToCompare(defaultPackagesDir);
    expect(stages.map((s) => basename(s.dir)).sort()).toEqual(declared.sort());
    expect(stages.every((s) => s.problem === undefined)).toBe(true);
    const order = stages.map((s) => s.stage);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
