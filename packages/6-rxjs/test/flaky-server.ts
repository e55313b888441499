// A server for the retry tests: the first connection gets the poem's first 100
// bytes and then a reset; every later connection gets the whole poem.
import net from 'node:net';

import type { Address } from '@slow-poetry/shared';

export interface FlakyServer {
  address: Address;
  port: number;
  /** How many connections it has had. */
  attempts(): number;
  close(): void;
}

export async function flakyServer(text: Uint8Array): Promise<FlakyServer> {
  let attempts = 0;
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    attempts += 1;
    if (attempts === 1) socket.write(text.subarray(0, 100), () => setTimeout(() => socket.resetAndDestroy(), 10));
    else socket.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { address: { host: '127.0.0.1', port }, port, attempts: () => attempts, close: () => void server.close() };
}
