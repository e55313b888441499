// "A reset can look like a clean end to node:net" (README, Things the matrix
// found), shown without any timing: a node:net client in a process of its own
// is sent 100 bytes, then the server resets the connection. What the client
// sees depends on whether it had read the bytes before the reset came, and on
// the libuv inside the Node that runs it: before 1.52 (Node 20 and 22), a
// short read plus a hang-up is taken for the end of the stream without reading
// on; from 1.52 (Node 24) libuv reads on and finds the reset (libuv pull request
// 4997). This is why the slow server waits before a reset on purpose.
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

import { holdAfterConnect, readsOnAfterHangUp, scratchDir, until, type HeldClient } from '@slow-poetry/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

import { startBin, type Running } from '../src/run-bin.js';

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/**
 * A node:net client that reads until the connection ends, says `got 100` once
 * it has read 100 bytes, and at the end prints what it saw. It is held from the
 * moment it connects until `held.release()` (test-kit's holdAfterConnect).
 */
function startClient(port: number, held: HeldClient, scratch: string): Running {
  const script = join(scratch, 'client.mjs');
  writeFileSync(
    script,
    `import net from 'node:net';
    const seen = { bytes: 0, end: false, error: null };
    const socket = net.connect(${port}, '127.0.0.1');
    socket.on('data', (chunk) => {
      seen.bytes += chunk.byteLength;
      if (seen.bytes === 100) console.log('got 100');
    });
    socket.on('end', () => (seen.end = true));
    socket.on('error', (error) => (seen.error = error.code));
    socket.on('close', () => console.log(JSON.stringify(seen)));`,
  );
  return startBin(script, [], { deadlineMs: 10_000, nodeArgs: held.nodeArgs, env: held.env });
}

/**
 * A server for one client: once the client has connected, it sends 100 bytes;
 * once they are with the kernel and `beforeReset` resolves, it resets the
 * connection; once the reset is sent, it lets the client go on. (It waits for
 * the client to have connected: a reset that comes before the client has taken
 * in that its connection was made fails the connection itself, with ECONNRESET
 * and none of the bytes — a third outcome, not this one's.)
 */
async function resettingServer(held: HeldClient, beforeReset: () => Promise<void>): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.on('close', held.release);
    void held
      .connected()
      .then(() => socket.write(Buffer.alloc(100, 'x'), () => void beforeReset().then(() => socket.resetAndDestroy())));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** What the client printed last: what it saw. */
const seen = (stdout: string): unknown => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('a reset after the last bytes, as a node:net client sees it', () => {
  it('is ECONNRESET, after the bytes, when the client had read them before the reset came', async () => {
    const scratch = scratchDir('fault-matrix-reset-');
    const held = holdAfterConnect(scratch);
    held.release(); // not held: it reads the bytes as they come, and the server resets once it has
    const started: { client?: Running } = {}; // the server, started first, waits on what the client prints
    const port = await resettingServer(held, () => until(() => started.client?.stdout.includes('got 100') === true, 10_000));
    const client = (started.client = startClient(port, held, scratch));
    const result = await client.done;
    expect(result.hung).toBe(false);
    expect(seen(result.stdout)).toEqual({ bytes: 100, end: false, error: 'ECONNRESET' });
  });

  it(`is ${readsOnAfterHangUp ? 'ECONNRESET after the bytes on this Node too' : 'a clean end of file, with no error at all, on this Node'} (libuv ${process.versions.uv}) when the bytes and the reset wait for the client together`, async () => {
    const scratch = scratchDir('fault-matrix-reset-');
    const held = holdAfterConnect(scratch);
    // Held once connected; the server sends, resets at once, and only then lets it go on.
    const result = await startClient(await resettingServer(held, async () => {}), held, scratch).done;
    expect(result.hung).toBe(false);
    expect(seen(result.stdout)).toEqual(
      readsOnAfterHangUp
        ? { bytes: 100, end: false, error: 'ECONNRESET' }
        : // The same 100 bytes, then end of file: to the program, the reset never happened.
          { bytes: 100, end: true, error: null },
    );
  });
});
