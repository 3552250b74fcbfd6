import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';
import { Account } from '@wharf/modules/account/entities/account.entity';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { constantTimeEqual, sha256Hex, tokenDigest } from '../crypto';
import {
  AccountDisabledError,
  InstanceNotFoundError,
  InstanceNotOwnedError,
  InstanceTokenMismatchError,
  InvalidTokenError,
} from '../errors';
import type { Principal, PrincipalKind } from './principal';

/**
 * Turns a presented token into a principal (D3, D4) and applies the ownership rules of §1.2.
 * Deny by default: anything not positively matched is `Invalid token`.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /**
   * @param allowed principal kinds the route accepts
   * @returns the principal, or `null` when the token matches nothing (the caller counts it as a
   *   failed attempt and answers 401 `Invalid token`)
   * @throws InvalidTokenError when the token is valid but of a kind the route does not accept
   * @throws AccountDisabledError for a disabled account or one of its instances
   *   (an account being deleted, or one of its instances, matches nothing: `null`, issue 11)
   */
  async resolve(token: string, allowed: readonly PrincipalKind[]): Promise<Principal | null> {
    const security = this.config.get('security', { infer: true });
    if (constantTimeEqual(token, security.adminToken)) {
      if (!allowed.includes('admin')) throw new InvalidTokenError();
      return { kind: 'admin' };
    }
    // Instance-scoped routes (sending, chats, settings) are mostly called with the instance's
    // own token: look it up first, one query in the common case. Both lookups run before a
    // token counts as unknown and a token matches at most one kind, so the answer is the same
    // in either order.
    if (allowed.includes('instance')) {
      return (await this.asInstance(token, allowed)) ?? this.asAccount(token, allowed);
    }
    return (await this.asAccount(token, allowed)) ?? this.asInstance(token, allowed);
  }

  private async asAccount(
    token: string,
    allowed: readonly PrincipalKind[],
  ): Promise<Principal | null> {
    const hash = sha256Hex(token);
    const account = await this.em.findOne(Account, { tokenHash: hash });
    if (account && constantTimeEqual(account.tokenHash, hash)) {
      // An account being deleted is as good as gone (issue 11): 401 `Invalid token` at once.
      if (account.deletionRequestedAt) return null;
      if (!allowed.includes('account')) throw new InvalidTokenError();
      if (account.disabled) throw new AccountDisabledError();
      return { kind: 'account', account };
    }
    return null;
  }

  private async asInstance(
    token: string,
    allowed: readonly PrincipalKind[],
  ): Promise<Principal | null> {
    const security = this.config.get('security', { infer: true });
    const digests = security.decryptionKeys.map((key) => tokenDigest(token, key));
    const instance = await this.em.findOne(
      Instance,
      { tokenDigest: { $in: digests } },
      { populate: ['account'] },
    );
    if (instance && digests.some((d) => constantTimeEqual(d, instance.tokenDigest))) {
      if (instance.account.deletionRequestedAt) return null;
      if (!allowed.includes('instance')) throw new InvalidTokenError();
      if (instance.account.disabled) throw new AccountDisabledError();
      return { kind: 'instance', account: instance.account, instance };
    }
    return null;
  }

  /**
   * Resolves the instance named in a path for `principal` (D4):
   * - TokenInstance: its own instance, else 403 `Instance token does not match requested instance`;
   * - TokenAccount: the account's instance of that name; else 403 `Instance does not belong to
   *   your account` when the name exists in another account, else 404 `Instance not found`.
   */
  async ownedInstance(principal: Principal, name: string): Promise<Instance> {
    switch (principal.kind) {
      case 'instance':
        if (principal.instance.name !== name) throw new InstanceTokenMismatchError();
        return principal.instance;
      case 'account': {
        const own = await this.em.findOne(Instance, { account: principal.account, name });
        if (own) return own;
        const elsewhere = await this.em.count(Instance, { name });
        if (elsewhere > 0) throw new InstanceNotOwnedError();
        throw new InstanceNotFoundError();
      }
      case 'admin':
        throw new InvalidTokenError();
    }
  }
}
