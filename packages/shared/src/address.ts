// Where to get poetry from: `PORT`, `HOST:PORT` or `[IPV6]:PORT`, as on the
// tutorial's command line. A bare port means 127.0.0.1.
import { UsageError } from '@slow-poetry/cli-kit';

export interface Address {
  host: string;
  port: number;
}

export const defaultHost = '127.0.0.1';

export function parseAddress(text: string): Address {
  const bad = (why: string): UsageError =>
    new UsageError(`invalid address '${text}': ${why} (expected PORT, HOST:PORT or [IPV6]:PORT)`);
  let host = defaultHost;
  let portText = text;
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2]!;
    if (!host.includes(':')) throw bad('brackets are for IPv6 addresses');
  } else if (text.includes(':')) {
    const colon = text.lastIndexOf(':');
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) throw bad('put an IPv6 address in brackets');
  }
  if (host === '') throw bad('missing host');
  if (portText === '') throw bad('missing port');
  if (!/^\d+$/.test(portText)) throw bad(`'${portText}' is not a port number`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw bad('a port is from 1 to 65535');
  return { host, port };
}

/** `127.0.0.1:10000`, or `[::1]:10000` for IPv6. */
export function formatAddress({ host, port }: Address): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
