import type { LookupAddress } from 'node:dns';
import { networkInterfaces } from 'node:os';

import {
  type AddressResolver,
  assertPublicHost,
  checkOutboundHost,
  checkOutboundUrl,
  guardedLookup,
  HostAllowlist,
  isPrivateAddress,
  normalizeHost,
  ownInterfaceAddresses,
  PrivateTargetError,
  refusedRange,
} from './url-guard';

/**
 * One sample (or more) of every range of the IANA IPv4 and IPv6 special-purpose address
 * registries, multicast and the transition forms, with the range D12 names. The D12 matrix
 * (test/security/ssrf-matrix.e2e-spec.ts) drives the same kinds of addresses through every
 * user-supplied URL and host; here the classification itself is tested.
 */
const REFUSED: Array<[string, string]> = [
  // IPv4 special-purpose registry
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['100.127.255.254', 'carrierGradeNat'],
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['169.254.169.254', 'linkLocal'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.0.0.1', 'reserved'],
  ['192.0.0.9', 'reserved'],
  ['192.0.0.170', 'reserved'],
  ['192.0.2.1', 'reserved'],
  ['192.31.196.1', 'as112'],
  ['192.52.193.1', 'amt'],
  ['192.88.99.1', 'reserved'],
  ['192.168.1.1', 'private'],
  ['192.175.48.1', 'as112'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.254', 'reserved'],
  ['198.51.100.7', 'reserved'],
  ['203.0.113.9', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  // IPv6 special-purpose registry
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['100::1', 'discard'],
  ['2001::1', 'teredo'],
  ['2001:1::1', 'reserved'],
  ['2001:2::1', 'benchmarking'],
  ['2001:3::1', 'amt'],
  ['2001:4:112::1', 'as112v6'],
  ['2001:10::1', 'deprecatedOrchid'],
  ['2001:20::1', 'orchid2'],
  ['2001:30::1', 'droneRemoteIdProtocolEntityTags'],
  ['2001:db8::1', 'reserved'],
  ['2620:4f:8000::1', 'as112v6'],
  ['3fff::1', 'reserved'],
  ['5f00::1', 'segmentRouting'],
  ['64:ff9b:1::1', 'rfc6052'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456::1', 'uniqueLocal'],
  ['fe80::1', 'linkLocal'],
  ['fe80::1%eth0', 'linkLocal'],
  ['fec0::1', 'deprecatedSiteLocal'],
  ['ff02::1', 'multicast'],
  ['4000::1', 'reserved'],
  ['::2:3:4:5', 'reserved'],
  // transition forms: classified as the IPv4 address they embed
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:192.0.2.1', 'reserved'],
  ['::ffff:0:7f00:1', 'loopback'],
  ['::127.0.0.1', 'loopback'],
  ['::7f00:1', 'loopback'],
  ['::a9fe:a9fe', 'linkLocal'],
  ['64:ff9b::a00:1', 'private'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['2002:c0a8:0101::1', 'private'],
  ['2002:7f00:1::', 'loopback'],
  ['[::1]', 'loopback'],
  ['not-an-ip', 'notAnAddress'],
  ['', 'notAnAddress'],
];

const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '172.32.0.1',
  '100.128.0.1',
  '192.0.1.1',
  '198.20.0.1',
  '223.255.255.254',
  '2606:4700:4700::1111',
  '2a00:1450:4001::200e',
  '::ffff:8.8.8.8',
  '::808:808',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

const NO_INTERFACES = new Set<string>();

describe('refusedRange / isPrivateAddress (D12)', () => {
  it.each(REFUSED)('refuses %s (%s)', (address, range) => {
    expect(refusedRange(address, NO_INTERFACES)).toBe(range);
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(PUBLIC)('accepts %s', (address) => {
    expect(refusedRange(address, NO_INTERFACES)).toBeNull();
  });

  it('refuses this machine’s own interface addresses, also in transition forms', () => {
    const own = new Set(['8.8.4.4', '2a00:1450:4001:0:0:0:0:200e']);
    expect(refusedRange('8.8.4.4', own)).toBe('ownInterface');
    expect(refusedRange('::ffff:8.8.4.4', own)).toBe('ownInterface');
    expect(refusedRange('::808:404', own)).toBe('ownInterface');
    expect(refusedRange('2a00:1450:4001::200e', own)).toBe('ownInterface');
    expect(refusedRange('8.8.8.8', own)).toBeNull();
  });

  it('reads the interfaces of this machine (every address of os.networkInterfaces())', () => {
    const listed = Object.values(networkInterfaces())
      .flat()
      .map((info) => info!.address);
    expect(listed.length).toBeGreaterThan(0);
    for (const address of listed) expect(isPrivateAddress(address)).toBe(true);
    expect(ownInterfaceAddresses().has('127.0.0.1')).toBe(true);
  });
});

/**
 * Every encoding of a refused address the WHATWG URL parser (and so `new URL`, undici and the
 * proxy host normaliser) accepts, with the address it means.
 */
const ENCODINGS: Array<[string, string]> = [
  ['127.0.0.1', '127.0.0.1'],
  ['2130706433', '127.0.0.1'],
  ['0x7f000001', '127.0.0.1'],
  ['0X7F000001', '127.0.0.1'],
  ['0177.0.0.1', '127.0.0.1'],
  ['0177.0000.0000.0001', '127.0.0.1'],
  ['127.1', '127.0.0.1'],
  ['127.0.1', '127.0.0.1'],
  ['0x7f.1', '127.0.0.1'],
  ['017700000001', '127.0.0.1'],
  ['127.0.0.1.', '127.0.0.1'],
  ['0', '0.0.0.0'],
  ['0x0', '0.0.0.0'],
  ['3232235777', '192.168.1.1'],
  ['0xa9fea9fe', '169.254.169.254'],
  ['0251.0376.0251.0376', '169.254.169.254'],
  ['[::1]', '::1'],
  ['[0:0:0:0:0:0:0:1]', '::1'],
  ['[::]', '::'],
  ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
  ['[::ffff:7f00:1]', '::ffff:7f00:1'],
  ['[0:0:0:0:0:ffff:127.0.0.1]', '::ffff:7f00:1'],
  ['[::127.0.0.1]', '::7f00:1'],
  ['[::ffff:0:127.0.0.1]', '::ffff:0:7f00:1'],
  ['[64:ff9b::127.0.0.1]', '64:ff9b::7f00:1'],
  ['[2002:7f00:1::]', '2002:7f00:1::'],
  ['[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe'],
  ['[FD00::2]', 'fd00::2'],
];

describe('normalizeHost (D12)', () => {
  it.each(ENCODINGS)('reads %s as %s, which is refused', (encoded, address) => {
    const host = normalizeHost(encoded);
    expect(host).toBe(address);
    expect(isPrivateAddress(host!)).toBe(true);
  });

  it.each([
    ['LOCALHOST.', 'localhost'],
    ['Api.LocalHost..', 'api.localhost'],
    ['::1', '::1'],
    ['proxy.example.com', 'proxy.example.com'],
  ])('normalises %s to %s', (raw, expected) => {
    expect(normalizeHost(raw)).toBe(expected);
  });

  it.each(['', ' ', 'a b', 'host:80', 'host/path', 'user@host', '[::1'])(
    'refuses %j as a host',
    (raw) => {
      expect(normalizeHost(raw)).toBeNull();
    },
  );
});

const LOCAL_NAMES = [
  'localhost',
  'localhost.',
  'LOCALHOST',
  'api.localhost',
  'api.localhost.',
  'printer.local',
  'metadata.google.internal',
  'metadata.google.internal.',
  'router.home.arpa',
  'box.localdomain',
];

describe('checkOutboundUrl (D12)', () => {
  const strict = { allowPrivate: false, field: 'url' };
  const refused = 'url must not point to a private or loopback address';
  const counts = { refused: 0, total: 0 };
  afterAll(() => {
    console.log(`checkOutboundUrl: refused ${counts.refused} / ${counts.total} encoded targets`);
    expect(counts.refused).toBe(counts.total);
  });

  it.each([
    ['https://hooks.example.com/x?y=1', null],
    ['http://8.8.8.8/hook', null],
    ['http://[2606:4700:4700::1111]/hook', null],
    ['ftp://example.com', 'url must use http or https'],
    ['not a url', 'url must be a valid URL'],
    ['', 'url must be an http(s) URL'],
    [42, 'url must be an http(s) URL'],
  ])('%j → %j', (url, expected) => {
    expect(checkOutboundUrl(url, strict)).toBe(expected);
  });

  it.each([
    ...ENCODINGS.map(([encoded]) => encoded),
    ...REFUSED.filter(([a]) => a && a !== 'not-an-ip' && !a.includes('%')).map(([a]) =>
      a.includes(':') && !a.startsWith('[') ? `[${a}]` : a,
    ),
    ...LOCAL_NAMES,
  ])('refuses http://%s:8080/x', (host) => {
    counts.total += 1;
    for (const url of [`http://${host}:8080/x`, `https://${host}/x`]) {
      expect(checkOutboundUrl(url, strict)).toBe(refused);
    }
    counts.refused += 1;
  });

  it('allows private targets when ALLOW_PRIVATE_TARGETS is on', () => {
    expect(
      checkOutboundUrl('http://127.0.0.1:9000/x', { allowPrivate: true, field: 'url' }),
    ).toBeNull();
  });

  it('lets OUTBOUND_ALLOWED_HOSTS entries through, and nothing else', () => {
    const allowed = HostAllowlist.parse('minio.corp, 10.1.0.0/16, 127.0.0.2');
    const options = { allowPrivate: false, allowed, field: 'endpoint' };
    expect(checkOutboundUrl('http://10.1.2.3:9000', options)).toBeNull();
    expect(checkOutboundUrl('http://[::ffff:10.1.2.3]:9000', options)).toBeNull();
    expect(checkOutboundUrl('http://127.0.0.2:9000', options)).toBeNull();
    expect(checkOutboundUrl('http://minio.corp./', options)).toBeNull();
    expect(checkOutboundUrl('http://10.2.0.1:9000', options)).toBe(
      'endpoint must not point to a private or loopback address',
    );
    expect(checkOutboundUrl('http://127.0.0.1:9000', options)).toBe(
      'endpoint must not point to a private or loopback address',
    );
  });
});

describe('checkOutboundHost (D12, proxy hosts)', () => {
  const strict = { allowPrivate: false, field: 'host' };
  const refused = 'host must not point to a private or loopback address';

  it.each([
    ...ENCODINGS.map(([encoded]) => encoded),
    '::1',
    '::127.0.0.1',
    '::ffff:127.0.0.1',
    '169.254.169.254',
    '192.0.2.1',
    '2001:db8::1',
    ...LOCAL_NAMES,
  ])('refuses %s', (host) => {
    expect(checkOutboundHost(host, strict)).toBe(refused);
  });

  it.each(['proxy.example.com', '8.8.8.8', '2606:4700:4700::1111', 'squid'])(
    'accepts %s',
    (host) => {
      expect(checkOutboundHost(host, strict)).toBeNull();
    },
  );

  it('lets PROXY_ALLOWED_HOSTS and ALLOW_PRIVATE_TARGETS through', () => {
    const allowed = HostAllowlist.parse('proxy.corp.example,10.0.0.0/8,*.lan.example');
    const options = { allowPrivate: false, allowed, field: 'host' };
    expect(checkOutboundHost('10.0.0.5', options)).toBeNull();
    expect(checkOutboundHost('0x0a000005', options)).toBeNull();
    expect(checkOutboundHost('proxy.corp.example', options)).toBeNull();
    expect(checkOutboundHost('127.0.0.1', options)).toBe(refused);
    expect(checkOutboundHost('127.0.0.1', { ...strict, allowPrivate: true })).toBeNull();
    expect(checkOutboundHost('not a host', strict)).toBe(
      'host must be an IP address or a host name',
    );
  });
});

describe('HostAllowlist (PROXY_ALLOWED_HOSTS, OUTBOUND_ALLOWED_HOSTS)', () => {
  it('matches names, wildcards, addresses and CIDRs (IPv4 and IPv6, embedded forms)', () => {
    const list = HostAllowlist.parse(
      ' Proxy.Corp.Example. , *.lan.example, 10.0.0.0/8, 192.168.1.7, fd00::/8, [::1] ,,',
    );
    expect(list.isEmpty).toBe(false);
    expect(list.allowsName('proxy.corp.example')).toBe(true);
    expect(list.allowsName('a.lan.example')).toBe(true);
    expect(list.allowsName('lan.example')).toBe(false);
    expect(list.allowsName('corp.example')).toBe(false);
    expect(list.allowsAddress('10.200.0.1')).toBe(true);
    expect(list.allowsAddress('::ffff:10.200.0.1')).toBe(true);
    expect(list.allowsAddress('192.168.1.7')).toBe(true);
    expect(list.allowsAddress('192.168.1.8')).toBe(false);
    expect(list.allowsAddress('fd00::2')).toBe(true);
    expect(list.allowsAddress('::1')).toBe(true);
    expect(list.allowsAddress('127.0.0.1')).toBe(false);
    expect(list.allowsAddress('not-an-ip')).toBe(false);
  });

  it('is empty when unset or blank', () => {
    expect(HostAllowlist.parse(undefined).isEmpty).toBe(true);
    expect(HostAllowlist.parse(' , ').isEmpty).toBe(true);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/x', 'bad host', 'a/b/c', '*.', 'host:80'])(
    'refuses the entry %j',
    (entry) => {
      expect(() => HostAllowlist.parse(`proxy.example.com,${entry}`)).toThrow(
        `has an invalid entry "${entry}" (host name, IP or CIDR)`,
      );
    },
  );
});

describe('assertPublicHost (D12, connect time)', () => {
  const strict = { allowPrivate: false };
  /** A resolver that answers `addresses` for every name (a DNS name that resolves to them). */
  const resolvingTo =
    (...addresses: string[]): AddressResolver =>
    () =>
      Promise.resolve(addresses);
  const counts = { refused: 0, total: 0 };
  afterAll(() => {
    console.log(
      `assertPublicHost: refused ${counts.refused} / ${counts.total} names resolving to refused addresses`,
    );
    expect(counts.refused).toBe(counts.total);
  });

  it('refuses a host name that resolves to loopback', async () => {
    await expect(assertPublicHost('localhost', strict)).rejects.toBeInstanceOf(PrivateTargetError);
  });

  it.each(REFUSED.filter(([address]) => address && address !== 'not-an-ip'))(
    'refuses a name that resolves to %s (%s)',
    async (address) => {
      counts.total += 1;
      await expect(
        assertPublicHost('public.example.com', strict, resolvingTo('8.8.8.8', address)),
      ).rejects.toThrow(
        'Refusing to connect to public.example.com: it resolves to a private or loopback address',
      );
      counts.refused += 1;
    },
  );

  it('refuses a name that resolves to one of this machine’s addresses', async () => {
    const own = [...ownInterfaceAddresses()];
    for (const address of own) {
      await expect(
        assertPublicHost('own.example.com', strict, resolvingTo(address)),
      ).rejects.toBeInstanceOf(PrivateTargetError);
    }
  });

  it('returns the addresses of a public name, and checks IP literals without DNS', async () => {
    await expect(
      assertPublicHost('public.example.com', strict, resolvingTo('8.8.8.8', '2606:4700::1')),
    ).resolves.toEqual(['8.8.8.8', '2606:4700::1']);
    await expect(assertPublicHost('[::1]', strict)).rejects.toBeInstanceOf(PrivateTargetError);
    await expect(assertPublicHost('0x7f000001', strict)).rejects.toBeInstanceOf(
      PrivateTargetError,
    );
    await expect(assertPublicHost('8.8.8.8', strict)).resolves.toEqual(['8.8.8.8']);
  });

  it('accepts private addresses when allowed (ALLOW_PRIVATE_TARGETS or the allowlist)', async () => {
    await expect(assertPublicHost('localhost', { allowPrivate: true })).resolves.toEqual(
      expect.arrayContaining([expect.any(String)]),
    );
    const allowed = HostAllowlist.parse('proxy.corp.example,10.0.0.0/8');
    await expect(
      assertPublicHost('proxy.corp.example', { allowPrivate: false, allowed }, resolvingTo('10.9.9.9', '192.168.0.1')),
    ).resolves.toEqual(['10.9.9.9', '192.168.0.1']);
    await expect(
      assertPublicHost('other.example', { allowPrivate: false, allowed }, resolvingTo('10.9.9.9')),
    ).resolves.toEqual(['10.9.9.9']);
    await expect(
      assertPublicHost('other.example', { allowPrivate: false, allowed }, resolvingTo('10.9.9.9', '127.0.0.1')),
    ).rejects.toBeInstanceOf(PrivateTargetError);
  });
});

describe('guardedLookup (D12, sockets of agents)', () => {
  const lookupOf = (resolve: AddressResolver) => guardedLookup({ allowPrivate: false }, resolve);
  const call = (lookup: ReturnType<typeof guardedLookup>, all: boolean) =>
    new Promise<{ error: Error | null; result: string | LookupAddress[] }>((resolve) =>
      lookup('proxy.example.com', { all }, (error, result) => resolve({ error, result })),
    );

  it('hands back only checked addresses, one or all as asked', async () => {
    const lookup = lookupOf(() => Promise.resolve(['8.8.8.8', '2606:4700::1']));
    expect(await call(lookup, false)).toEqual({ error: null, result: '8.8.8.8' });
    expect(await call(lookup, true)).toEqual({
      error: null,
      result: [
        { address: '8.8.8.8', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
    });
  });

  it('fails the socket when the name resolves to a refused address', async () => {
    const { error } = await call(
      lookupOf(() => Promise.resolve(['192.0.2.2'])),
      true,
    );
    expect(error).toBeInstanceOf(PrivateTargetError);
    expect(error!.message).toBe(
      'Refusing to connect to proxy.example.com: it resolves to a private or loopback address',
    );
  });
});
