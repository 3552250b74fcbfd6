import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { generateToken, sha256Hex } from '@wharf/common/crypto';
import {
  AccountNotFoundError,
  OperationFailedError,
  ValidationFailedError,
} from '@wharf/common/errors';
import type { AllConfig } from '@wharf/config';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';

import { type AccountDeletionProgress, AccountDeletionService } from './account-deletion.service';
import {
  AccountDeletionDto,
  AccountDto,
  AccountWithTokenDto,
  CreateAccountDto,
  UpdateAccountDto,
} from './dto/account.dto';
import { Account } from './entities/account.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account as the admin API shows it; `deletion` only while it is being deleted (issue 11). */
export function toAccountDto(
  account: Account,
  instanceCount: number,
  deletion?: AccountDeletionDto,
): AccountDto {
  return {
    id: account.id,
    name: account.name,
    instanceLimit: account.instanceLimit,
    disabled: account.disabled,
    instanceCount,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
    ...(deletion ? { deletion } : {}),
  };
}

/** What `DELETE /api/admin/accounts/:id` found once it stopped waiting (issue 11). */
export type AccountDeleteOutcome =
  | { done: true; deletedInstances: number }
  | { done: false; deletion: AccountDeletionProgress };

/** The operator's account management (D4). TokenAccounts are stored only as hashes (D3). */
@Injectable()
export class AccountService {
  constructor(
    private readonly em: EntityManager,
    private readonly deletions: AccountDeletionService,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  async create(dto: CreateAccountDto): Promise<AccountWithTokenDto> {
    const token = generateToken();
    const account = this.em.create(Account, {
      name: dto.name,
      instanceLimit: dto.instanceLimit ?? null,
      tokenHash: sha256Hex(token),
    });
    await this.em.flush();
    return { ...toAccountDto(account, 0), token };
  }

  async list(): Promise<AccountDto[]> {
    const accounts = await this.em.find(Account, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const counts = await this.instanceCounts(accounts);
    const out: AccountDto[] = [];
    for (const account of accounts) {
      const deletion = account.deletionRequestedAt
        ? await this.deletions.progress(account)
        : undefined;
      out.push(toAccountDto(account, counts.get(account.id) ?? 0, deletion));
    }
    return out;
  }

  /**
   * An account; while it is being deleted it carries `deletion` (issue 11).
   * @throws AccountNotFoundError
   */
  async get(id: string): Promise<AccountDto> {
    const account = await this.load(id, { deleting: true });
    const deletion = account.deletionRequestedAt
      ? await this.deletions.progress(account)
      : undefined;
    return toAccountDto(account, await this.em.count(Instance, { account }), deletion);
  }

  /**
   * @throws AccountNotFoundError (also for an account being deleted), ValidationFailedError when
   *   no field is given
   */
  async update(id: string, dto: UpdateAccountDto): Promise<AccountDto> {
    if (dto.name === undefined && dto.instanceLimit === undefined && dto.disabled === undefined) {
      throw new ValidationFailedError(
        'Invalid request body: at least one of name, instanceLimit, disabled is required',
        [{ field: 'body', message: 'at least one of name, instanceLimit, disabled is required' }],
      );
    }
    const account = await this.load(id);
    if (dto.name !== undefined) account.name = dto.name;
    if (dto.instanceLimit !== undefined) account.instanceLimit = dto.instanceLimit;
    if (dto.disabled !== undefined) account.disabled = dto.disabled;
    await this.em.flush();
    return toAccountDto(account, await this.em.count(Instance, { account }));
  }

  /**
   * New TokenAccount; the old one is rejected from the next request on (D4).
   * @throws AccountNotFoundError (also for an account being deleted)
   */
  async rotateToken(id: string): Promise<AccountWithTokenDto> {
    const account = await this.load(id);
    const token = generateToken();
    account.tokenHash = sha256Hex(token);
    await this.em.flush();
    return { ...toAccountDto(account, await this.em.count(Instance, { account })), token };
  }

  /**
   * Accepts the deletion of the account and its instances (D4, issue 11): from now on its tokens
   * and its instances' tokens answer 401, and AccountDeletionService deletes the instances in
   * chunks in the background (logging each session out first). Waits at most DELETION_WAIT_MS for
   * the work to finish, so a small account is answered as deleted. Calling it again for an
   * account being deleted answers its progress (and restarts the work if nobody runs it).
   * @throws AccountNotFoundError, OperationFailedError `Failed to delete account`
   */
  async delete(id: string): Promise<AccountDeleteOutcome> {
    const account = await this.load(id, { deleting: true });
    try {
      await this.deletions.request(this.em, account);
      const waitMs = this.config.get('deletion.waitMs', { infer: true });
      if (await this.deletions.waitFor(account.id, waitMs)) {
        this.em.getUnitOfWork().unsetIdentity(account);
        return { done: true, deletedInstances: account.deletionTotal ?? 0 };
      }
      return { done: false, deletion: await this.deletions.progress(account) };
    } catch (error) {
      throw new OperationFailedError('Failed to delete account', error);
    }
  }

  /** The account by id; one being deleted only with `deleting` (issue 11). */
  private async load(id: string, options: { deleting?: boolean } = {}): Promise<Account> {
    if (!UUID.test(id)) throw new AccountNotFoundError();
    const account = await this.em.findOne(Account, { id });
    if (!account) throw new AccountNotFoundError();
    if (account.deletionRequestedAt && !options.deleting) throw new AccountNotFoundError();
    return account;
  }

  private async instanceCounts(accounts: Account[]): Promise<Map<string, number>> {
    if (accounts.length === 0) return new Map();
    const rows = (await this.em.getConnection().execute(
      `select account_id, count(*) as count from instance where account_id in (${accounts.map(() => '?').join(',')}) group by account_id`,
      accounts.map((a) => a.id),
    )) as Array<{ account_id: string; count: number | string }>;
    return new Map(rows.map((row) => [row.account_id, Number(row.count)]));
  }
}
