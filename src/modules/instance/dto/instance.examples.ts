/** OpenAPI examples of the instance routes (docs/API.md §3.1, D23), shared by the route documentation. */

import { DEFAULT_SETTINGS } from '@wharf/modules/settings/settings.service';

export const EXAMPLE_PROXY_DISABLED = { enabled: false, host: null, port: null, protocol: null, username: null };
export const EXAMPLE_INSTANCE = {
  id: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f',
  name: 'sales',
  token: 'q1Z3yq7M0p3bX9Zt0c2WmN0y1x8s4k5j6h7g8f9e0d1',
  status: 'disconnected',
  numberJid: null,
  connection: {
    state: 'disconnected',
    numberJid: null,
    presenceStatus: 'unavailable',
    displayStatus: 'Disconnected',
  },
  profile: { name: '', pictureUrl: '', isBusiness: false, businessName: '' },
  webhook: {
    enabled: true,
    label: 'default',
    url: 'https://app.example.com/wh',
    byEvents: false,
    events: [],
    mediaBase64: false,
  },
  websocket: { enabled: true, events: ['message.exchange'], mediaBase64: false },
  chatwoot: { enabled: false },
  proxy: EXAMPLE_PROXY_DISABLED,
  settings: DEFAULT_SETTINGS,
  s3: {
    enabled: false,
    region: null,
    bucket: null,
    accessKey: null,
    endpoint: null,
    pathPrefix: null,
  },
  createdAt: '2026-04-28T10:30:00.000Z',
};
