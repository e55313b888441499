import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { closedPort, holdAfterConnect, removeScratchDirs, runCli, scratchDir, sleep, unansweredPort } from '../src/helpers.js';

describe('scratch folders', () => {
  it('are fresh, and removed with their contents by removeScratchDirs()', () => {
    const [a, b] = [scratchDir('slow-poetry-helpers-'), scratchDir('slow-poetry-helpers-')];
    expect(a).not.toBe(b);
    writeFileSync(join(a, 'task-1.txt'), 'a poem');
    removeScratchDirs();
    expect(existsSync(a)).toBe(false);
    expect(existsSync(b)).toBe(false);
  });
});

describe('closedPort()', () => {
  it('gives a port below the ephemeral range that refuses connections', async () => {
    // The kernel hands out ports from ip_local_port_range for listen(0) and outgoing connections: a port
    // from there could be another test's server a moment later. closedPort() stays below it.
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const port = await closedPort();
    expect(port).toBeLessThan(low!);
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(undefined));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

describe('unansweredPort()', () => {
  it('leaves a connection request unanswered: neither connected nor refused a second later', async () => {
    const silent = await unansweredPort();
    const socket = net.connect(silent.port, '127.0.0.1');
    try {
      let outcome = 'waiting';
      socket.on('connect', () => (outcome = 'connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => (outcome = error.code ?? 'error'));
      await sleep(1000);
      expect(outcome).toBe('waiting');
    } finally {
      socket.destroy();
      silent.close();
    }
  });
});

describe('holdAfterConnect()', () => {
  it("holds the client's thread from its connection until release(): bytes sent meanwhile reach it only then", async () => {
    const dir = scratchDir('slow-poetry-helpers-');
    const held = holdAfterConnect(dir);
    const server = net.createServer((socket) => socket.end('hello\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const script = join(dir, 'client.mjs');
    // Prints when its first bytes came (the epoch's milliseconds, as the test's Date.now() counts them).
    writeFileSync(
      script,
      `import net from 'node:net';
      net.connect(${(server.address() as net.AddressInfo).port}, '127.0.0.1').once('data', () => console.log(Date.now()));`,
    );
    try {
      const run = runCli(script, [], undefined, held);
      await held.connected();
      await sleep(300); // the bytes are with the client's kernel by now; its thread is held
      const releasedAt = Date.now();
      held.release();
      const { code, stdout } = await run;
      expect(code).toBe(0);
      expect(Number(stdout.trim())).toBeGreaterThanOrEqual(releasedAt);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true }); // this file imports src/helpers.js, not the entry that removes scratch folders
    }
  });
});
