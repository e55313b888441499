// A minimal client for testing the server: connect, collect every chunk with its arrival time.
import net from 'node:net';

export interface Download {
  bytes: Buffer;
  /** performance.now() of each 'data' event. */
  arrivals: number[];
  connectedAt: number;
  endedAt: number;
  error?: NodeJS.ErrnoException;
}

export function download(port: number, host = '127.0.0.1', options: { destroyAfterBytes?: number } = {}): Promise<Download> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const arrivals: number[] = [];
    let connectedAt = NaN;
    let received = 0;
    const socket = net.connect({ port, host }, () => (connectedAt = performance.now()));
    const done = (error?: NodeJS.ErrnoException): void =>
      resolve({ bytes: Buffer.concat(chunks), arrivals, connectedAt, endedAt: performance.now(), error });
    socket.on('data', (chunk) => {
      arrivals.push(performance.now());
      chunks.push(chunk);
      received += chunk.byteLength;
      if (options.destroyAfterBytes !== undefined && received >= options.destroyAfterBytes) {
        socket.destroy();
        done();
      }
    });
    socket.on('error', (error) => done(error));
    socket.on('end', () => done());
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
