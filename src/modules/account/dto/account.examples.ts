/** OpenAPI examples of the operator routes (D4), shared by the route documentation. */

export const EXAMPLE_ACCOUNT = {
  id: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f',
  name: 'Acme Ltd',
  instanceLimit: 10,
  disabled: false,
  instanceCount: 0,
  createdAt: '2026-04-28T10:30:00.000Z',
  updatedAt: '2026-04-28T10:30:00.000Z',
};
export const EXAMPLE_ACCOUNT_TOKEN = 'Yq3pW0x9b8c7d6e5f4g3h2i1j0k9l8m7n6o5p4q3r2s';
