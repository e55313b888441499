// Stage 6: an Observable of the poem's chunks (RxJS).
//
// Stage 5's Promise stands for one value, later. A poem arriving over a slow
// connection is really many values over time (its chunks) and then an end, or an
// error. An Observable is exactly that: a stream of values, then `complete` or
// `error`, pushed to whoever subscribes.
//
//   getPoetry(address).subscribe({ next: (chunk) => …, complete: () => …, error: (err) => … })
//
// Here it is *cold*: getPoetry() only describes a download. Nothing connects until
// someone subscribes, each subscription opens its own connection, and
// unsubscribing closes it. So cancelling is not an extra argument (stage 5's
// AbortSignal) but part of the value itself. Timeouts, byte limits and retries are
// not options of getPoetry either: they are operators the caller puts in the pipe
// (see operators.ts and cli.ts), and they work on any Observable.
//
// What it costs: a library (RxJS) and its vocabulary, and push without
// backpressure: chunks come as fast as the socket delivers them, whether or not
// the subscriber keeps up (stage 5's async iterator pulls instead).
import net from 'node:net';

import type { Address } from '@slow-poetry/shared';
import { Observable } from 'rxjs';

export interface GetPoetryOptions {
  /** Called once the connection is made (for the trace). */
  onConnect?: () => void;
}

/** A cold Observable of the poem's chunks: subscribing connects, unsubscribing closes. */
export function getPoetry(address: Address, options: GetPoetryOptions = {}): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    // This runs once per subscription: each subscriber gets its own connection.
    const socket = net.connect({ host: address.host, port: address.port });
    socket.on('connect', () => options.onConnect?.());
    socket.on('data', (chunk: Buffer) => subscriber.next(chunk));
    // The protocol has no length field: the server closing its side is the end of the poem.
    socket.on('end', () => subscriber.complete());
    socket.on('error', (err) => subscriber.error(err));
    // After complete or error a subscriber ignores everything, so this only
    // reports a connection that closed without either.
    socket.on('close', () => subscriber.error(new Error('connection closed before the end of the poem')));
    // The teardown: runs on unsubscribe, and after complete or error.
    return () => socket.destroy();
  });
}
