// The peers (peers/*.py): Python's asyncio and Twisted's reactor, run as the bench
// runs every client. Each runs where its runtime is (Twisted comes from Debian's
// python3-twisted); a machine without it skips that peer with a note, and so do
// these tests.
import { join } from 'node:path';

import { poetryDir } from '@slow-poetry/slow-server';
import { describe, expect, it } from 'vitest';

import { measureClient, peerClients, startStatsServer } from '../src/index.js';

const { clients } = peerClients();

describe.each(clients.map((client) => [client.label, client] as const))('the %s', (_label, client) => {
  it('downloads every poem, counts its bytes and records its CPU time and peak memory, as a stage does', async () => {
    const server = await startStatsServer({ poemFile: join(poetryDir, 'science.txt'), numBytes: 100, delay: 0.01, backlog: 511 });
    try {
      const run = await measureClient(client, [String(server.port), String(server.port)], { timeout: 5, deadlineMs: 20_000 });
      expect(run).toMatchObject({ code: 0, hung: false, poems: 2, failed: 0, bytes: 2 * 666 });
      expect(run.ms).toBeGreaterThanOrEqual(60); // 7 chunks, 10 ms apart
      expect(run.cpuSeconds).toBeGreaterThan(0);
      expect(run.maxRssKb).toBeGreaterThan(5_000);
    } finally {
      await server.close();
    }
  });

  it('words a refused connection as the stages do', async () => {
    const run = await measureClient(client, ['1'], { timeout: 5, deadlineMs: 20_000 });
    expect(run).toMatchObject({ code: 1, poems: 0, failed: 1, reasons: { 'connection refused (ECONNREFUSED)': 1 } });
  });
});

describe('the peers', () => {
  it('are found where their runtime is, and say what is missing where it is not', () => {
    const { clients: found, skipped } = peerClients();
    expect(found.length + skipped.length).toBe(2);
    for (const note of skipped) expect(note).toMatch(/\(peer\): .+/);
  });
});
