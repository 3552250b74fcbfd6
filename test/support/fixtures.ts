import { Api } from './http';
import type { WharfHandle } from './wharf';

export interface AccountFixture {
  id: string;
  token: string;
}

export interface InstanceFixture {
  id: string;
  name: string;
  token: string;
}

/** Creates an account through the admin API. */
export async function createAccount(
  wharf: WharfHandle,
  name = 'Acme',
  instanceLimit: number | null = null,
): Promise<AccountFixture> {
  const api = new Api(wharf.url);
  const res = await api.post('/api/admin/accounts', {
    token: wharf.adminToken,
    body: { name, instanceLimit },
  });
  if (res.status !== 201) throw new Error(`account creation failed: ${res.status} ${res.text}`);
  return { id: res.body.account.id, token: res.body.account.token };
}

/** Creates an instance through the API with a TokenAccount. */
export async function createInstance(
  wharf: WharfHandle,
  accountToken: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<InstanceFixture> {
  const api = new Api(wharf.url);
  const res = await api.post('/api/instance/new', {
    token: accountToken,
    body: { name, ...extra },
  });
  if (res.status !== 201) throw new Error(`instance creation failed: ${res.status} ${res.text}`);
  return { id: res.body.instance.id, name, token: res.body.instance.token };
}

/** What a new instance reports before anything is configured (docs/API.md §3.1 defaults). */
export const DEFAULT_SETTINGS = {
  autoRejectCalls: false,
  callRejectMessage: '',
  ignoreGroupMessages: false,
  keepOnlineStatus: false,
  autoReadMessages: false,
  disableHistorySync: true,
  ignoreStatus: false,
  sendRatePerMinute: 0,
};
export const NO_PROXY = { enabled: false, host: null, port: null, protocol: null, username: null };
export const NO_S3 = {
  enabled: false,
  region: null,
  bucket: null,
  accessKey: null,
  endpoint: null,
  pathPrefix: null,
};
