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

/**
 * The key per-address limits count under: an IPv4 address (IPv4-mapped IPv6 included) as it is, an
 * IPv6 address by its /64 network, since one subscriber usually holds a whole /64.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const bare = address.split('%')[0]!.toLowerCase();
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) counts as two groups; only the first four matter here.
  const groups =
    tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
