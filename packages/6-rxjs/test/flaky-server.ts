// A server for the retry tests: the first connection gets the poem's first 100
// bytes and then a fault; every later connection gets the whole poem. (The
// slow server applies its faults to every connection.)
//
// The fault is a reset, 0.2 s after those bytes (as the slow server waits before
// a reset on purpose), or a stall: nothing more, the connection kept open (for
// the client's --timeout). Only a stall is certain to let the client read the
// 100 bytes first: a reset discards whatever the client has not read yet, and
// one that comes while the bytes are still unread can even look like a clean
// end of the poem (see the fault matrix's README, "Things the matrix found").
import net from 'node:net';

import type { Address } from '@slow-poetry/shared';

export interface FlakyServer {
  address: Address;
  port: number;
  /** How many connections it has had. */
  attempts(): number;
  close(): void;
}

export async function flakyServer(text: Uint8Array, fault: 'reset' | 'stall' = 'reset'): Promise<FlakyServer> {
  let attempts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    attempts += 1;
    if (attempts > 1) socket.end(text);
    else if (fault === 'stall') socket.write(text.subarray(0, 100));
    else socket.write(text.subarray(0, 100), () => setTimeout(() => socket.resetAndDestroy(), 200));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const close = (): void => {
    server.close();
    for (const socket of sockets) socket.destroy();
  };
  return { address: { host: '127.0.0.1', port }, port, attempts: () => attempts, close };
}
