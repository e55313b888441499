// The README's "What to watch for": a reset that finds the last bytes still
// unread. The client's thread is held from the moment it connects (test-kit's
// holdAfterConnect) until the server has sent 100 bytes and reset the
// connection, so that both wait for it together; no timing decides it.
import net from 'node:net';
import { fileURLToPath } from 'node:url';

import { durationPattern, holdAfterConnect, poem, readsOnAfterHangUp, runCli, scratchDir } from '@slow-poetry/test-kit';
import { afterEach, describe, expect, it } from 'vitest';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

let server: net.Server | undefined;
afterEach(() => server?.close());

describe('a reset that finds the last bytes still unread', () => {
  it(`${readsOnAfterHangUp ? 'fails the task with ECONNRESET after them' : 'passes for a clean end: the task "succeeds" with the bytes it got, exit 0'} on this Node (libuv ${process.versions.uv})`, async () => {
    const held = holdAfterConnect(scratchDir('slow-poetry-3-reset-'));
    const bytes = poem('science.txt').subarray(0, 100);
    server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.on('close', held.release); // the reset is sent: let the client go on
      void held.connected().then(() => socket.write(bytes, () => socket.resetAndDestroy()));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;

    const { code, lines, stdout } = await runCli(cliPath, ['--quiet', String(port)], undefined, held);
    if (readsOnAfterHangUp) {
      expect(lines, stdout).toEqual([
        `Task 1: failed to get poetry from 127.0.0.1:${port} after 100 bytes: connection reset by peer (ECONNRESET)`,
        expect.stringMatching(new RegExp(`^Got 0 poems in ${durationPattern}; 1 task failed$`)),
      ]);
      expect(code).toBe(1);
    } else {
      // 100 bytes of a 666-byte poem, reported as a poem: nothing told the client otherwise.
      expect(lines, stdout).toEqual([
        'Task 1 finished',
        'Task 1: 100 bytes of poetry',
        expect.stringMatching(new RegExp(`^Got 1 poem in ${durationPattern}$`)),
      ]);
      expect(code).toBe(0);
    }
  });
});
