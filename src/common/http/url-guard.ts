import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';

import ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** The only IPv6 block IANA allocates for global unicast; anything outside it is refused (D12). */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
/** The NAT64 well-known prefix (RFC 6052): its addresses stand for the IPv4 they embed. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96') as [ipaddr.IPv6, number];

/**
 * Names that always mean this machine or a private network, refused when configured (D12):
 * `localhost` and `*.localhost` (RFC 6761), `.local` (mDNS), `.internal` (cloud metadata and
 * private DNS), `.home.arpa` (RFC 8375), `.localdomain`. Compared after {@link normalizeHost}.
 */
function isLocalName(host: string): boolean {
  return (
    host === 'localhost' ||
    /\.(localhost|local|internal|home\.arpa|localdomain)$/.test(host) ||
    host === 'localdomain'
  );
}

/**
 * A host as Wharf compares it: parsed like a URL's host by the WHATWG URL parser (so `0x7f000001`,
 * `2130706433`, `0177.0.0.1` and `127.1` become `127.0.0.1`, and IPv6 is compressed), lower-case,
 * IPv6 without brackets or zone, trailing dots removed (`localhost.` → `localhost`).
 * @returns the normalised host, or `null` when `raw` is not a host (empty, a port, a path…)
 */
export function normalizeHost(raw: string): string | null {
  let host = raw.trim();
  if (!host) return null;
  if (!host.startsWith('[') && isIP(host.replace(/%.*$/, '')) === 6)
    host = `[${host.replace(/%.*$/, '')}]`;
  if (host.replace(/^\[[^\]]*\]$/, '').includes(':')) return null; // a port, even the default
  let url: URL;
  try {
    url = new URL(`http://${host}/`);
  } catch {
    return null;
  }
  if (url.username || url.password || url.port || url.pathname !== '/' || url.search || url.hash)
    return null;
  const bare = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  return bare || null;
}

/** The address of an IP literal (brackets and an IPv6 zone are ignored), or `null`. */
function parseAddress(address: string): Address | null {
  const bare = address.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  return isIP(bare) ? ipaddr.parse(bare) : null;
}

/**
 * The IPv4 address an IPv6 address stands for, if it embeds one: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-translated (`::ffff:0:a.b.c.d`, RFC 6145), IPv4-compatible (`::a.b.c.d`, deprecated, but
 * the stack still routes `::7f00:1` to loopback), NAT64 well-known prefix (`64:ff9b::a.b.c.d`)
 * and 6to4 (`2002:AABB:CCDD::/48`).
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const parts = address.parts;
  const fromParts = (high: number, low: number) =>
    new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  const range = address.range();
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  if (range === 'rfc6145' || address.match(NAT64_WELL_KNOWN)) return fromParts(parts[6], parts[7]);
  if (range === '6to4') return fromParts(parts[1], parts[2]);
  const compatible = parts.slice(0, 6).every((part) => part === 0);
  if (compatible && range !== 'unspecified' && range !== 'loopback')
    return fromParts(parts[6], parts[7]);
  return null;
}

/** The address D12 classifies: the embedded IPv4 of a transition form, else the address. */
function effective(address: Address): Address {
  return address.kind() === 'ipv6' ? (embeddedIpv4(address as ipaddr.IPv6) ?? address) : address;
}

const INTERFACES_TTL_MS = 1_000;
let interfaceCache: { at: number; addresses: ReadonlySet<string> } | undefined;

/**
 * This machine's own interface addresses (`os.networkInterfaces()`, all families, loopback
 * included), normalised; re-read at most once a second so an address added later is refused
 * within a second (D12: a service listening on the host's own address is not a public target).
 */
export function ownInterfaceAddresses(): ReadonlySet<string> {
  const now = Date.now();
  if (interfaceCache && now - interfaceCache.at < INTERFACES_TTL_MS) return interfaceCache.addresses;
  const addresses = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      const parsed = parseAddress(info.address);
      if (parsed) addresses.add(effective(parsed).toNormalizedString());
    }
  }
  interfaceCache = { at: now, addresses };
  return addresses;
}

/**
 * Why D12 refuses `address` (an IP literal, brackets and zone allowed), or `null` when it is a
 * public address Wharf may connect to:
 * - every range of the IANA IPv4 and IPv6 special-purpose registries and multicast, by the
 *   names of `ipaddr.js`'s `range()` (`loopback`, `private`, `linkLocal`, `carrierGradeNat`,
 *   `reserved` — TEST-NETs, 240/4, 2001:db8::/32, 2001::/23 —, `benchmarking`, `broadcast`,
 *   `multicast`, `uniqueLocal`, `teredo`, `rfc6052` for 64:ff9b:1::/48, `as112`, `amt`, …):
 *   only `unicast` passes, and for IPv6 only inside 2000::/3;
 * - IPv4-mapped, -translated, -compatible, NAT64 (64:ff9b::/96) and 6to4 addresses are classified
 *   as the IPv4 address they embed;
 * - `ownInterface`: one of this machine's interface addresses ({@link ownInterfaceAddresses});
 * - `notAnAddress`: anything that is not an IP literal (refuse what cannot be classified).
 * @param own this machine's addresses (tests pass their own set)
 */
export function refusedRange(
  address: string,
  own: ReadonlySet<string> = ownInterfaceAddresses(),
): string | null {
  const parsed = parseAddress(address);
  if (!parsed) return 'notAnAddress';
  const target = effective(parsed);
  const range = target.range();
  if (range !== 'unicast') return range;
  if (target.kind() === 'ipv6' && !target.match(GLOBAL_UNICAST_V6)) return 'reserved';
  if (own.has(target.toNormalizedString())) return 'ownInterface';
  return null;
}

/**
 * Whether D12 refuses `address` (see {@link refusedRange}: special-purpose, multicast, this
 * machine's own addresses, transition forms by their IPv4; non-IP input counts as refused).
 */
export function isPrivateAddress(address: string): boolean {
  return refusedRange(address) !== null;
}

/**
 * An operator allowlist of targets D12 lets through although they are private
 * (`PROXY_ALLOWED_HOSTS`, `OUTBOUND_ALLOWED_HOSTS`): host names (exact, or `*.example.com` for
 * every name under it), IP addresses and CIDR blocks, IPv4 or IPv6. A listed name is trusted
 * whatever it resolves to; a listed address or block lets that address through, also in its
 * IPv4-mapped or -compatible form.
 */
export class HostAllowlist {
  private constructor(
    private readonly names: ReadonlySet<string>,
    private readonly suffixes: readonly string[],
    private readonly blocks: ReadonlyArray<[Address, number]>,
  ) {}

  /** An allowlist that lets nothing through. */
  static readonly EMPTY = new HostAllowlist(new Set(), [], []);

  /**
   * Parses a comma-separated list (blank entries ignored).
   * @throws Error naming the first invalid entry, e.g. `has an invalid entry "10.0.0.0/33"`
   */
  static parse(raw: string | undefined): HostAllowlist {
    const names = new Set<string>();
    const suffixes: string[] = [];
    const blocks: Array<[Address, number]> = [];
    for (const entry of (raw ?? '').split(',').map((item) => item.trim())) {
      if (!entry) continue;
      const invalid = () => new Error(`has an invalid entry "${entry}" (host name, IP or CIDR)`);
      if (entry.includes('/')) {
        const [network, prefix] = entry.split('/');
        const address = parseAddress(network);
        if (!address || !/^\d{1,3}$/.test(prefix)) throw invalid();
        const bits = Number(prefix);
        if (bits > (address.kind() === 'ipv4' ? 32 : 128)) throw invalid();
        blocks.push([address, bits]);
        continue;
      }
      const literal = parseAddress(entry);
      if (literal) {
        blocks.push([literal, literal.kind() === 'ipv4' ? 32 : 128]);
        continue;
      }
      const wildcard = entry.startsWith('*.');
      const host = normalizeHost(wildcard ? entry.slice(2) : entry);
      if (!host || isIP(host) || !/^[a-z0-9_.-]+$/.test(host)) throw invalid();
      if (wildcard) suffixes.push(`.${host}`);
      else names.add(host);
    }
    return names.size || suffixes.length || blocks.length
      ? new HostAllowlist(names, suffixes, blocks)
      : HostAllowlist.EMPTY;
  }

  /** Whether nothing is listed. */
  get isEmpty(): boolean {
    return !this.names.size && !this.suffixes.length && !this.blocks.length;
  }

  /** Whether the host name (normalised by {@link normalizeHost}) is listed. */
  allowsName(host: string): boolean {
    return this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  /** Whether an IP literal is in a listed address or block (also by its embedded IPv4). */
  allowsAddress(address: string): boolean {
    const parsed = parseAddress(address);
    if (!parsed) return false;
    const forms = [parsed, effective(parsed)];
    return this.blocks.some(([network, bits]) =>
      forms.some((form) => form.kind() === network.kind() && form.match(network, bits)),
    );
  }
}

/** What D12 lets through for one kind of target (URLs, or proxies). */
export interface TargetPolicy {
  /** ALLOW_PRIVATE_TARGETS: nothing is refused. */
  allowPrivate: boolean;
  /** OUTBOUND_ALLOWED_HOSTS or PROXY_ALLOWED_HOSTS: let through although private. */
  allowed?: HostAllowlist;
}

/** Whether a normalised host (name or IP) is refused when configured, before any DNS. */
function refusedWhenConfigured(host: string, policy: TargetPolicy): boolean {
  if (policy.allowPrivate) return false;
  if (isIP(host)) return !policy.allowed?.allowsAddress(host) && isPrivateAddress(host);
  return !policy.allowed?.allowsName(host) && isLocalName(host);
}

export interface OutboundUrlOptions extends TargetPolicy {
  /** Name used in the error text, e.g. `url`. */
  field: string;
}

/**
 * Checks an outbound URL when it is configured (D12): http(s) only, a host, and no private
 * address literal (any encoding the URL parser accepts: decimal, hex, octal, short, IPv6,
 * mapped, compatible, NAT64) nor a local name (`localhost`, `*.localhost`, `.local`,
 * `.internal`, trailing dots ignored) unless the policy allows it. Host names are resolved and
 * checked again at connect time by {@link assertPublicHost}.
 * @returns an error text, or `null` when acceptable
 */
export function checkOutboundUrl(raw: unknown, options: OutboundUrlOptions): string | null {
  if (typeof raw !== 'string' || !raw.trim()) return `${options.field} must be an http(s) URL`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return `${options.field} must be a valid URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `${options.field} must use http or https`;
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  if (!host) return `${options.field} must name a host`;
  if (refusedWhenConfigured(host, options))
    return `${options.field} must not point to a private or loopback address`;
  return null;
}

/**
 * Checks a proxy host (an IP address or a host name, not a URL) when it is configured (D12):
 * the same rules as {@link checkOutboundUrl}'s host, the proxy allowlist applying.
 * @returns an error text, or `null` when acceptable
 */
export function checkOutboundHost(raw: string, options: OutboundUrlOptions): string | null {
  const host = normalizeHost(raw);
  if (!host) return `${options.field} must be an IP address or a host name`;
  if (refusedWhenConfigured(host, options))
    return `${options.field} must not point to a private or loopback address`;
  return null;
}

/** A connection D12 refused: the host is, or resolves to, a private or special-use address. */
export class PrivateTargetError extends Error {
  constructor(host: string) {
    super(`Refusing to connect to ${host}: it resolves to a private or loopback address`);
    this.name = 'PrivateTargetError';
  }
}

/** `dns.promises.lookup` with `all: true` (tests pass a fake resolver). */
export type AddressResolver = (host: string, family?: number) => Promise<string[]>;

const systemResolver: AddressResolver = async (host, family) =>
  (await dnsLookup(host, { all: true, verbatim: true, family: family ?? 0 })).map((a) => a.address);

/**
 * Resolves `host` (normalised first: numeric IPv4 forms, brackets, trailing dots) and throws
 * {@link PrivateTargetError} when any of its addresses is refused by D12 (connect-time check):
 * see {@link refusedRange}; the policy's allowlist lets a listed name (whatever it resolves to)
 * or listed addresses through, `allowPrivate` everything. Returns the addresses so the caller
 * connects to a checked one (no DNS rebinding between check and connect).
 * @throws PrivateTargetError, or the resolver's error (ENOTFOUND…)
 */
export async function assertPublicHost(
  host: string,
  policy: TargetPolicy,
  resolve: AddressResolver = systemResolver,
  family?: number,
): Promise<string[]> {
  const bare = normalizeHost(host) ?? host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    if (!policy.allowPrivate && !policy.allowed?.allowsAddress(bare) && isPrivateAddress(bare))
      throw new PrivateTargetError(host);
    return [bare];
  }
  const addresses = await resolve(bare, family);
  if (addresses.length === 0)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${bare}`), { code: 'ENOTFOUND' });
  if (policy.allowPrivate || policy.allowed?.allowsName(bare)) return addresses;
  if (
    addresses.some((address) => !policy.allowed?.allowsAddress(address) && isPrivateAddress(address))
  )
    throw new PrivateTargetError(host);
  return addresses;
}

/**
 * A `lookup` for `net.connect`, `http.Agent` and the proxy agents that applies D12 at connect
 * time: names are resolved and checked with {@link assertPublicHost} and only checked addresses
 * are handed back (so the socket goes to an address that was checked). IP literals never reach
 * a `lookup`: check them before connecting.
 */
export function guardedLookup(
  policy: TargetPolicy,
  resolve: AddressResolver = systemResolver,
): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const family =
      options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
    assertPublicHost(hostname, policy, resolve, family).then(
      (addresses) => {
        const found: LookupAddress[] = addresses.map((address) => ({
          address,
          family: isIP(address),
        }));
        if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, found);
        else callback(null, found[0].address, found[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/**
 * An undici connector that applies D12 at connect time: the host name is resolved and checked
 * with {@link assertPublicHost} and the socket goes to the checked address (no DNS rebinding
 * between check and connect); TLS still verifies the original name. With `allowPrivate`
 * (ALLOW_PRIVATE_TARGETS) it is undici's plain connector.
 * @param timeoutMs connect timeout, ms
 */
export function guardedConnector(
  policy: TargetPolicy,
  timeoutMs: number,
): buildConnector.connector {
  const base = buildConnector({ timeout: timeoutMs });
  if (policy.allowPrivate) return base;
  return (options, callback) => {
    assertPublicHost(options.hostname, policy).then(
      (addresses) => {
        const name = options.hostname.replace(/^\[|\]$/g, '');
        base(
          {
            ...options,
            hostname: addresses[0],
            servername: options.servername ?? (isIP(name) ? undefined : name),
          },
          callback,
        );
      },
      (error: Error) => callback(error, null),
    );
  };
}
