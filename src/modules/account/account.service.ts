import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';

import { generateToken, sha256Hex } from '../../common/crypto';
import {
  AccountNotFoundError,
  OperationFailedError,
  ValidationFailedError,
} from '../../common/errors';
import { Instance } from '../instance/entities/instance.entity';
import { InstanceService } from '../instance/instance.service';
import {
  AccountDto,
  AccountWithTokenDto,
  CreateAccountDto,
  UpdateAccountDto,
} from './dto/account.dto';
import { Account } from './entities/account.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toAccountDto(account: Account, instanceCount: number): AccountDto {
  return {
    id: account.id,
    name: account.name,
    instanceLimit: account.instanceLimit,
    disabled: account.disabled,
    instanceCount,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}

/** The operator's account management (D4). TokenAccounts are stored only as hashes (D3). */
@Injectable()
export class AccountService {
  constructor(
    private readonly em: EntityManager,
    private readonly instances: InstanceService,
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
    return accounts.map((account) => toAccountDto(account, counts.get(account.id) ?? 0));
  }

  /** @throws AccountNotFoundError */
  async get(id: string): Promise<AccountDto> {
    const account = await this.load(id);
    return toAccountDto(account, await this.em.count(Instance, { account }));
  }

  /** @throws AccountNotFoundError, ValidationFailedError when no field is given */
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

  /** New TokenAccount; the old one is rejected from the next request on (D4). */
  async rotateToken(id: string): Promise<AccountWithTokenDto> {
    const account = await this.load(id);
    const token = generateToken();
    account.tokenHash = sha256Hex(token);
    await this.em.flush();
    return { ...toAccountDto(account, await this.em.count(Instance, { account })), token };
  }

  /**
   * Deletes the account after deleting (and, once sessions exist, logging out) every instance (D4).
   * @returns how many instances were deleted
   */
  async delete(id: string): Promise<number> {
    const account = await this.load(id);
    const owned = await this.instances.ofAccount(account);
    for (const instance of owned) await this.instances.delete(instance);
    try {
      await this.em.nativeDelete(Account, { id: account.id });
      this.em.getUnitOfWork().unsetIdentity(account);
    } catch (error) {
      throw new OperationFailedError('Failed to delete account', error);
    }
    return owned.length;
  }

  private async load(id: string): Promise<Account> {
    if (!UUID.test(id)) throw new AccountNotFoundError();
    const account = await this.em.findOne(Account, { id });
    if (!account) throw new AccountNotFoundError();
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
