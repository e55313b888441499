// Two operators for downloads, built from RxJS's own. Each works on any
// Observable of byte chunks, not just getPoetry's: that is the point of operators.
import { poemTooLongError, timeoutError } from '@slow-poetry/shared';
import { defer, tap, throwError, timeout, type MonoTypeOperatorFunction } from 'rxjs';

/** Fail with ETIMEDOUT when no chunk arrives for `seconds` (the first one included). */
export function idleTimeout<T>(seconds: number): MonoTypeOperatorFunction<T> {
  return timeout({ each: seconds * 1000, with: () => throwError(() => timeoutError(seconds)) });
}

/** Fail with EPOEMTOOLONG once the chunks add up to more than `maxBytes`. */
export function limitBytes(maxBytes: number): MonoTypeOperatorFunction<Uint8Array> {
  // defer: each subscription (each connection, each retry) counts from zero.
  return (source) =>
    defer(() => {
      let bytes = 0;
      return source.pipe(
        tap((chunk) => {
          bytes += chunk.byteLength;
          if (bytes > maxBytes) throw poemTooLongError(maxBytes);
        }),
      );
    });
}
