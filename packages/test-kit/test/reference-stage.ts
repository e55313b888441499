// The smallest stage that keeps the contract: node:net, every download at once.
// It proves the contract suite itself, before any real stage exists.
import net from 'node:net';

import type { Address } from '@slow-poetry/shared';
import type { TaskOutcome } from '../src/contract.js';

export function referenceGetPoetry(address: Address): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(address);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

export async function referenceFetchAll(addresses: Address[]): Promise<TaskOutcome[]> {
  const settled = await Promise.allSettled(addresses.map(referenceGetPoetry));
  return settled.map((s) => (s.status === 'fulfilled' ? { ok: true, poem: s.value } : { ok: false, error: s.reason }));
}
