import {
  assertPublicHost,
  checkOutboundUrl,
  isPrivateAddress,
  PrivateTargetError,
} from './url-guard';

describe('isPrivateAddress (D12)', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:c0a8:0101::1',
    '[::1]',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('accepts %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('checkOutboundUrl (D12)', () => {
  const strict = { allowPrivate: false, field: 'url' };

  it.each([
    ['https://hooks.example.com/x?y=1', null],
    ['http://8.8.8.8/hook', null],
    ['ftp://example.com', 'url must use http or https'],
    ['not a url', 'url must be a valid URL'],
    ['', 'url must be an http(s) URL'],
    [42, 'url must be an http(s) URL'],
    ['http://localhost/x', 'url must not point to a private or loopback address'],
    ['http://api.localhost/x', 'url must not point to a private or loopback address'],
    ['http://127.1/x', 'url must not point to a private or loopback address'],
    ['http://0x7f000001/x', 'url must not point to a private or loopback address'],
    ['http://2130706433/x', 'url must not point to a private or loopback address'],
    ['http://[::ffff:127.0.0.1]/x', 'url must not point to a private or loopback address'],
    [
      'http://169.254.169.254/latest/meta-data',
      'url must not point to a private or loopback address',
    ],
  ])('%j → %j', (url, expected) => {
    expect(checkOutboundUrl(url, strict)).toBe(expected);
  });

  it('allows private targets when ALLOW_PRIVATE_TARGETS is on', () => {
    expect(
      checkOutboundUrl('http://127.0.0.1:9000/x', { allowPrivate: true, field: 'url' }),
    ).toBeNull();
  });
});

describe('assertPublicHost (D12, connect time)', () => {
  it('refuses a host name that resolves to loopback', async () => {
    await expect(assertPublicHost('localhost', false)).rejects.toBeInstanceOf(PrivateTargetError);
  });

  it('accepts it when private targets are allowed', async () => {
    await expect(assertPublicHost('localhost', true)).resolves.toEqual(
      expect.arrayContaining([expect.any(String)]),
    );
  });

  it('checks IP literals without DNS', async () => {
    await expect(assertPublicHost('[::1]', false)).rejects.toBeInstanceOf(PrivateTargetError);
    await expect(assertPublicHost('8.8.8.8', false)).resolves.toEqual(['8.8.8.8']);
  });
});
