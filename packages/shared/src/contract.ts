// The stage contract: one set of scenarios that every stage's client must pass,
// whatever its I/O model. Each stage's tests call `describeStageContract` with an
// adapter that runs its own `getPoetry` over a list of addresses.
//
// The servers run in child processes (real `slowpoetry` processes on loopback),
// because a blocking client stops its whole thread: a server in the same process
// could never answer it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { poetryDir, spawnServer, type ServerProcess } from '@slow-poetry/slow-server';
import { afterAll, afterEach, describe, expect, it as vitestIt } from 'vitest';

import type { Address } from './address.js';

export type TaskOutcome = { ok: true; poem: Uint8Array } | { ok: false; error: Error & { code?: string } };

export interface StageUnderTest {
  /** e.g. 'stage 1 (blocking)' */
  name: string;
  /**
   * Download a poem from each address, with the stage's own `getPoetry`, and
   * return one outcome per address, in the same order. A failed task must not
   * stop the others; its error carries the errno name as `code`.
   */
  fetchAll(addresses: Address[]): Promise<TaskOutcome[]>;
}

/** Small chunks at a fast pace: 7 bytes split many multi-byte characters. */
const fast = ['--num-bytes', '7', '--delay', '0.002', '--quiet'];

export function poemFiles(): string[] {
  return readdirSync(poetryDir)
    .filter((name) => name.endsWith('.txt'))
    .sort();
}

/** A loopback port with nothing listening on it (the system gave it out, then took it back). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True if some chunk boundary (a multiple of `size`) falls inside a UTF-8 character. */
export function splitsACharacter(bytes: Uint8Array, size: number): boolean {
  for (let at = size; at < bytes.byteLength; at += size) {
    if ((bytes[at]! & 0b1100_0000) === 0b1000_0000) return true; // a continuation byte starts the chunk
  }
  return false;
}

export interface ContractOptions {
  /** Run every scenario as `it.fails`: proves that the suite catches a broken stage. */
  expectFailure?: boolean;
}

export function describeStageContract(stage: StageUnderTest, options: ContractOptions = {}): void {
  const it = options.expectFailure ? vitestIt.fails : vitestIt;
  describe(`${stage.name} keeps the stage contract`, () => {
    const running: ServerProcess[] = [];
    const scratch = mkdtempSync(join(tmpdir(), 'slow-poetry-contract-'));
    const serve = async (poemFile: string, ...extra: string[]): Promise<Address> => {
      const server = await spawnServer([...fast, ...extra, poemFile]);
      running.push(server);
      return { host: '127.0.0.1', port: server.port };
    };
    const poem = (name: string): Uint8Array => readFileSync(join(poetryDir, name));
    const expectPoem = (outcome: TaskOutcome | undefined, expected: Uint8Array): void => {
      if (!outcome?.ok) throw new Error(`expected a poem, got ${outcome?.error.message ?? 'nothing'}`);
      expect(Buffer.from(outcome.poem).equals(Buffer.from(expected))).toBe(true);
    };

    afterEach(async () => {
      await Promise.all(running.splice(0).map((server) => server.close()));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('delivers every poem byte for byte, even when chunks split UTF-8 characters', async () => {
      const names = poemFiles();
      expect(names.some((name) => splitsACharacter(poem(name), 7))).toBe(true);
      const addresses = await Promise.all(names.map((name) => serve(join(poetryDir, name))));
      const outcomes = await stage.fetchAll(addresses);
      expect(outcomes).toHaveLength(names.length);
      names.forEach((name, i) => expectPoem(outcomes[i], poem(name)));
      for (const outcome of outcomes) {
        if (outcome.ok) expect(() => new TextDecoder('utf-8', { fatal: true }).decode(outcome.poem)).not.toThrow();
      }
    });

    it('downloads from several servers and returns the poems in the order asked', async () => {
      const names = ['science.txt', 'ecstasy.txt', 'fascination.txt'];
      const addresses = await Promise.all(names.map((name) => serve(join(poetryDir, name))));
      const outcomes = await stage.fetchAll([addresses[1]!, addresses[0]!, addresses[2]!]);
      expectPoem(outcomes[0], poem('ecstasy.txt'));
      expectPoem(outcomes[1], poem('science.txt'));
      expectPoem(outcomes[2], poem('fascination.txt'));
    });

    it('reports a refused connection on its own task while the others succeed', async () => {
      const first = await serve(join(poetryDir, 'science.txt'));
      const refused = { host: '127.0.0.1', port: await closedPort() };
      const last = await serve(join(poetryDir, 'fascination.txt'));
      const outcomes = await stage.fetchAll([first, refused, last]);
      expectPoem(outcomes[0], poem('science.txt'));
      expect(outcomes[1]?.ok).toBe(false);
      if (outcomes[1]?.ok === false) expect(outcomes[1].error.code).toBe('ECONNREFUSED');
      expectPoem(outcomes[2], poem('fascination.txt'));
    });

    it('fails a task whose server resets the connection mid-poem and keeps the others', async () => {
      const reset = await serve(join(poetryDir, 'ecstasy.txt'), '--reset-after', '100');
      const healthy = await serve(join(poetryDir, 'alla-sera.txt'));
      const outcomes = await stage.fetchAll([reset, healthy]);
      expect(outcomes[0]?.ok).toBe(false);
      if (outcomes[0]?.ok === false) expect(outcomes[0].error.code).toBe('ECONNRESET');
      expectPoem(outcomes[1], poem('alla-sera.txt'));
    });

    it('returns an empty poem from a server that has nothing to say', async () => {
      const empty = join(scratch, 'empty.txt');
      writeFileSync(empty, '');
      const outcomes = await stage.fetchAll([await serve(empty)]);
      expectPoem(outcomes[0], new Uint8Array());
    });
  });
}
