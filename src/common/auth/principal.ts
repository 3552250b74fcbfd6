import type { Account } from '@wharf/modules/account/entities/account.entity';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';

/** The three principals of D4: the operator, an account (TokenAccount), an instance (TokenInstance). */
export type PrincipalKind = 'admin' | 'account' | 'instance';

export type Principal =
  | { kind: 'admin' }
  | { kind: 'account'; account: Account }
  | { kind: 'instance'; account: Account; instance: Instance };

/** What the auth guard leaves on the Fastify request. */
export interface AuthenticatedRequestState {
  principal?: Principal;
  /** The `:instance` of the path, loaded and ownership-checked (docs/CONVENTIONS.md §2). */
  instance?: Instance;
}
