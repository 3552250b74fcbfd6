import { randomBytes } from 'node:crypto';

import { MikroORM } from '@mikro-orm/core';
import { reencryptAll } from '@wharf/cli/reencrypt';
import { SecretBox } from '@wharf/common/crypto';
import { withEnvironment } from '@wharf/config';
import { loadSecurityConfig } from '@wharf/config/security.config';
import { buildOrmOptions } from '@wharf/database/mikro-orm.config';
import { ProxyConfig } from '@wharf/modules/proxy/entities/proxy-config.entity';

import { createThrowawayDatabase, ThrowawayDatabase } from '../../scripts/db-tools';
import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import { startWharf, TEST_DIALECT } from '../support/wharf';

describe('encryption key rotation (D11)', () => {
  let db: ThrowawayDatabase;
  beforeAll(async () => {
    db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_keys');
  });
  afterAll(() => db.drop());

  it('keeps every secret usable through ENCRYPTION_KEYS_PREVIOUS and the re-encryption command', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const adminToken = `admin-${randomBytes(16).toString('hex')}`;

    const first = await startWharf({
      db,
      env: { ENCRYPTION_KEY: oldKey, ADMIN_TOKEN: adminToken },
    });
    const account = await createAccount(first, 'Keys');
    const instance = await createInstance(first, account.token, 'keyed', {
      proxyHost: 'proxy.example.com',
      proxyPort: '1080',
      proxyProtocol: 'socks5',
      proxyPassword: 'rotate-me',
    });
    await first.close();

    // New key, old one still listed: the TokenInstance (digest under the old key) still works.
    const second = await startWharf({
      db,
      env: { ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_PREVIOUS: oldKey, ADMIN_TOKEN: adminToken },
    });
    const api2 = new Api(second.url);
    const listed = await api2.get('/api/instance/list', { token: instance.token });
    expect(listed.status).toBe(200);
    expect(listed.body.instances[0].token).toBe(instance.token);
    await second.close();

    // Re-encrypt with the new key, then drop the old key entirely.
    const security = withEnvironment(
      { ENCRYPTION_KEY: newKey, ENCRYPTION_KEYS_PREVIOUS: oldKey, ADMIN_TOKEN: adminToken },
      loadSecurityConfig,
    );
    const orm = await MikroORM.init(buildOrmOptions(db.config));
    try {
      const box = new SecretBox(security.encryptionKey, security.decryptionKeys);
      const counts = await reencryptAll(orm, box, security.encryptionKey);
      expect(counts['instance.token_cipher']).toBe(1);
      expect(counts['proxy_config.password_cipher']).toBe(1);
      expect(
        Object.values(await reencryptAll(orm, box, security.encryptionKey)).every((n) => n === 0),
      ).toBe(true);
      const onlyNew = new SecretBox(security.encryptionKey);
      const proxy = await orm.em.fork().findOneOrFail(ProxyConfig, { host: 'proxy.example.com' });
      expect(
        onlyNew.open(proxy.passwordCipher!, {
          table: 'proxy_config',
          column: 'password_cipher',
          rowId: proxy.id,
        }),
      ).toBe('rotate-me');
    } finally {
      await orm.close(true);
    }

    const third = await startWharf({
      db,
      env: { ENCRYPTION_KEY: newKey, ADMIN_TOKEN: adminToken },
    });
    try {
      const api3 = new Api(third.url);
      const again = await api3.get('/api/instance/list', { token: instance.token });
      expect(again.status).toBe(200);
      expect(again.body.instances[0].token).toBe(instance.token);
      expect((await api3.get('/api/instance/list', { token: account.token })).status).toBe(200);
    } finally {
      await third.close();
    }
  });
});
