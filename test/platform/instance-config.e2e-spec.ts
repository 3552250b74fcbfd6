import {
  createAccount,
  createInstance,
  DEFAULT_SETTINGS,
  InstanceFixture,
} from '../support/fixtures';
import { Api } from '../support/http';
import { startWharf, WharfHandle } from '../support/wharf';

describe('settings, proxy and S3 of an instance (docs/API.md §3.1)', () => {
  let wharf: WharfHandle;
  let api: Api;
  let instance: InstanceFixture;

  beforeAll(async () => {
    // A corporate proxy on the LAN (the spec's example 10.0.0.5) is allowed explicitly (D12).
    wharf = await startWharf({ env: { PROXY_ALLOWED_HOSTS: '10.0.0.0/8' } });
    api = new Api(wharf.url);
    const account = await createAccount(wharf);
    instance = await createInstance(wharf, account.token, 'cfg');
  });
  afterAll(() => wharf.close());

  describe('settings', () => {
    it('reads the defaults', async () => {
      const res = await api.get('/api/instance/getSettings/cfg', { token: instance.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Settings retrieved successfully',
        settings: DEFAULT_SETTINGS,
      });
    });

    it('updates only the fields sent and answers with all of them', async () => {
      const res = await api.post('/api/instance/settings/cfg', {
        token: instance.token,
        body: { autoRejectCalls: true, callRejectMessage: "Sorry, we can't take calls here." },
      });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('Settings updated successfully');
      expect(res.body.settings).toMatchObject({
        autoRejectCalls: true,
        callRejectMessage: "Sorry, we can't take calls here.",
        disableHistorySync: true,
      });
      const second = await api.post('/api/instance/settings/cfg', {
        token: instance.token,
        body: { sendRatePerMinute: 30, ignoreStatus: true },
      });
      expect(second.body.settings).toMatchObject({
        autoRejectCalls: true,
        sendRatePerMinute: 30,
        ignoreStatus: true,
      });
      expect(
        (await api.get('/api/instance/getSettings/cfg', { token: instance.token })).body.settings,
      ).toEqual(second.body.settings);
    });

    it('refuses an empty body with At least one setting must be provided', async () => {
      for (const options of [{ body: {} }, {}, { rawBody: '' }]) {
        const res = await api.post('/api/instance/settings/cfg', {
          token: instance.token,
          ...options,
        });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({
          message: 'At least one setting must be provided',
          code: 'VALIDATION_FAILED',
        });
      }
    });

    it.each([
      [
        { keepOnlineStatus: 'true' },
        'Invalid request body: keepOnlineStatus must be a boolean value',
      ],
      [{ callRejectMessage: 5 }, 'Invalid request body: callRejectMessage must be a string'],
      [
        { sendRatePerMinute: -1 },
        'Invalid request body: sendRatePerMinute must not be less than 0',
      ],
      [
        { sendRatePerMinute: 1.5 },
        'Invalid request body: sendRatePerMinute must be an integer number',
      ],
      [{ somethingElse: true }, 'Invalid request body: property somethingElse should not exist'],
    ])('refuses %j and changes nothing', async (body, message) => {
      const before = (await api.get('/api/instance/getSettings/cfg', { token: instance.token }))
        .body.settings;
      const res = await api.post('/api/instance/settings/cfg', { token: instance.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
      expect(
        (await api.get('/api/instance/getSettings/cfg', { token: instance.token })).body.settings,
      ).toEqual(before);
    });
  });

  describe('proxy', () => {
    it('reads a disabled proxy when none is set', async () => {
      const res = await api.get('/api/instance/getProxy/cfg', { token: instance.token });
      expect(res.body).toEqual({
        success: true,
        message: 'Proxy configuration retrieved successfully',
        proxy: { enabled: false, host: null, port: null, protocol: null, username: null },
      });
    });

    it('sets a proxy, never returns the password, keeps it when omitted, and removes it with enabled:false', async () => {
      const set = await api.post('/api/instance/proxy/cfg', {
        token: instance.token,
        body: {
          enabled: true,
          host: '10.0.0.5',
          port: '1080',
          protocol: 'socks5',
          username: 'user',
          password: 'p4ss-w0rd',
        },
      });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({
        success: true,
        message: 'Proxy configuration updated',
        proxy: {
          enabled: true,
          host: '10.0.0.5',
          port: '1080',
          protocol: 'socks5',
          username: 'user',
        },
      });
      const read = await api.get('/api/instance/getProxy/cfg', { token: instance.token });
      expect(read.body.proxy).toEqual(set.body.proxy);
      expect(read.text).not.toContain('p4ss-w0rd');

      await api.post('/api/instance/proxy/cfg', {
        token: instance.token,
        body: { host: 'proxy.example.com', port: 3128, protocol: 'http' },
      });
      const updated = await api.get('/api/instance/getProxy/cfg', { token: instance.token });
      expect(updated.body.proxy).toEqual({
        enabled: true,
        host: 'proxy.example.com',
        port: '3128',
        protocol: 'http',
        username: null,
      });

      const removed = await api.post('/api/instance/proxy/cfg', {
        token: instance.token,
        body: { enabled: false },
      });
      expect(removed.body).toEqual({
        success: true,
        message: 'Proxy configuration removed',
        proxy: { enabled: false, host: null, port: null, protocol: null, username: null },
      });
    });

    it.each([
      [
        { enabled: true, host: 'h.example.com', port: '70000', protocol: 'http' },
        'Invalid request body: port must be a port number between 1 and 65535, as a string',
      ],
      [
        { enabled: true, host: 'h.example.com', port: '80', protocol: 'gopher' },
        'Invalid request body: protocol must be one of http, https, socks5',
      ],
      [
        { enabled: true, port: '80', protocol: 'http' },
        'Invalid request body: host is required when the proxy is enabled',
      ],
      [
        { enabled: true, host: 'bad host!', port: '80', protocol: 'http' },
        'Invalid request body: host must be an IP address or a host name',
      ],
      [
        { enabled: true, host: '192.168.0.5', port: '80', protocol: 'http' },
        'Invalid request body: host must not point to a private or loopback address',
      ],
      [{ enabled: 'yes' }, 'Invalid request body: enabled must be a boolean value'],
    ])('refuses %j and changes nothing', async (body, message) => {
      const before = (await api.get('/api/instance/getProxy/cfg', { token: instance.token })).body;
      const res = await api.post('/api/instance/proxy/cfg', { token: instance.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
      expect((await api.get('/api/instance/getProxy/cfg', { token: instance.token })).body).toEqual(
        before,
      );
    });
  });

  describe('S3', () => {
    const s3 = {
      enabled: true,
      region: 'us-east-1',
      bucket: 'wharf-media',
      accessKey: 'AKIAEXAMPLE',
      secretKey: 'super-secret-key',
      endpoint: 'https://minio.example.com',
      pathPrefix: 'media/cfg/',
    };

    it('reads a disabled config when none is set, with no message', async () => {
      const res = await api.get('/api/instance/getS3/cfg', { token: instance.token });
      expect(res.body).toEqual({
        success: true,
        s3: {
          enabled: false,
          region: null,
          bucket: null,
          accessKey: null,
          secretKey: null,
          endpoint: null,
          pathPrefix: null,
        },
      });
    });

    it('sets the config, reads it back with secretKey null, and wipes credentials on enabled:false', async () => {
      const set = await api.post('/api/instance/s3/cfg', { token: instance.token, body: s3 });
      expect(set.status).toBe(200);
      const { secretKey: _secret, ...withoutSecret } = s3;
      expect(set.body).toEqual({
        success: true,
        message: 'S3 configuration updated',
        s3: withoutSecret,
      });
      const read = await api.get('/api/instance/getS3/cfg', { token: instance.token });
      expect(read.body).toEqual({ success: true, s3: { ...withoutSecret, secretKey: null } });
      expect(read.text).not.toContain('super-secret-key');

      const aws = await api.post('/api/instance/s3/cfg', {
        token: instance.token,
        body: { ...s3, endpoint: '' },
      });
      expect(aws.body.s3.endpoint).toBe('');

      const off = await api.post('/api/instance/s3/cfg', {
        token: instance.token,
        body: { enabled: false },
      });
      expect(off.body.s3).toEqual({
        enabled: false,
        region: null,
        bucket: null,
        accessKey: null,
        endpoint: null,
        pathPrefix: null,
      });
      const incomplete = await api.post('/api/instance/s3/cfg', {
        token: instance.token,
        body: { enabled: true, region: 'us-east-1' },
      });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.error.message).toBe(
        'Invalid request body: bucket, accessKey, secretKey are required to enable S3',
      );
    });

    it.each([
      [
        { ...s3, endpoint: 'ftp://files.example.com' },
        'Invalid request body: endpoint must use http or https',
      ],
      [
        { ...s3, endpoint: 'http://169.254.169.254/latest' },
        'Invalid request body: endpoint must not point to a private or loopback address',
      ],
      [{ ...s3, region: 'US EAST' }, 'Invalid request body: region must look like us-east-1'],
      [{ ...s3, bucket: 'a' }, 'Invalid request body: bucket must be a valid bucket name'],
    ])('refuses %j', async (body, message) => {
      const res = await api.post('/api/instance/s3/cfg', { token: instance.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
    });
  });
});
