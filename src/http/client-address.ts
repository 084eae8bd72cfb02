// Who the caller is, the same way for HTTP and the WebSocket upgrade: the peer's address, unless the
// peer is a proxy TRUST_PROXY names, in which case X-Forwarded-For says (read right to left, up to
// the first address that is not a trusted proxy). Without TRUST_PROXY the header is ignored.
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

export type TrustProxy = (address: string, hop: number) => boolean;

const trustNone: TrustProxy = () => false;

/** Compiles TRUST_PROXY's list (addresses, CIDR ranges, loopback, linklocal, uniquelocal); throws when invalid. */
export function compileTrustProxy(list: readonly string[]): TrustProxy {
  return list.length ? proxyAddr.compile([...list]) : trustNone;
}

export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  return proxyAddr(req, trust) ?? 'unknown';
}
