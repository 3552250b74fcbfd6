import { ApiProperty } from '@nestjs/swagger';
import {
  ValidateBoolean,
  ValidateInt,
  ValidateString,
} from '@wharf/common/validation/composite-validators';

/** `POST /api/admin/accounts` (D4). */
export class CreateAccountDto {
  @ValidateString({ trim: true, notEmpty: 'name is required', maxLength: 200 })
  @ApiProperty({ example: 'Acme Ltd' })
  name: string;

  /** Most instances the account may own; omit or null for no limit. */
  @ValidateInt({ nullable: true, min: 0, max: 1_000_000 })
  @ApiProperty({ nullable: true, example: 10, type: Number })
  instanceLimit?: number | null;
}

/** `PATCH /api/admin/accounts/:id` (D4): any of the fields. */
export class UpdateAccountDto {
  @ValidateString({
    optional: true,
    trim: true,
    notEmpty: 'name must not be blank',
    maxLength: 200,
  })
  @ApiProperty({ example: 'Acme Ltd' })
  name?: string;

  /** Most instances the account may own; `null` removes the limit, omitted keeps it. */
  @ValidateInt({ nullable: true, min: 0, max: 1_000_000 })
  @ApiProperty({ nullable: true, example: 20, type: Number })
  instanceLimit?: number | null;

  /** A disabled account's tokens and its instances' tokens get 403 `Account is disabled`. */
  @ValidateBoolean({ optional: true })
  @ApiProperty({ example: false })
  disabled?: boolean;
}

/** Progress of a background account deletion (issue 11); see AccountDeletionService. */
export class AccountDeletionDto {
  @ApiProperty({
    enum: ['pending', 'running', 'done'],
    example: 'running',
    description:
      '`pending`: accepted, no process works on it right now (it is resumed within DELETION_LOCK_TTL_MS); ' +
      '`running`: instances are being deleted; `done`: none left, the account is about to go (then 404).',
  })
  status: 'pending' | 'running' | 'done';
  @ApiProperty({
    example: 10000,
    description: 'Instances the account had when the deletion was accepted',
  })
  instancesTotal: number;
  @ApiProperty({ example: 2300, description: 'Instances deleted so far' })
  instancesDeleted: number;
}

export class AccountDto {
  @ApiProperty({ example: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f' })
  id: string;
  @ApiProperty({ example: 'Acme Ltd' })
  name: string;
  @ApiProperty({ nullable: true, example: 10, type: Number })
  instanceLimit: number | null;
  @ApiProperty({ example: false })
  disabled: boolean;
  @ApiProperty({ example: 2 })
  instanceCount: number;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  createdAt: string;
  @ApiProperty({ example: '2026-04-28T10:30:00.000Z' })
  updatedAt: string;
  /**
   * Present only while the account is being deleted (issue 11); its tokens are refused from the
   * moment the deletion is accepted.
   */
  @ApiProperty({
    type: AccountDeletionDto,
    description: 'Present only while the account is being deleted (its tokens are already refused)',
  })
  deletion?: AccountDeletionDto;
}

/** An account with its TokenAccount, shown only when created or rotated (D3). */
export class AccountWithTokenDto extends AccountDto {
  @ApiProperty({ example: 'Yq3…base64url' })
  token: string;
}

export class AccountResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Account retrieved' })
  message: string;
  account: AccountDto;
}

export class AccountWithTokenResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Account created' })
  message: string;
  account: AccountWithTokenDto;
}

export class AccountListMetaDto {
  @ApiProperty({ example: 1 })
  total: number;
}

export class AccountListResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: '1 Account found' })
  message: string;
  accounts: AccountDto[];
  meta: AccountListMetaDto;
}

export class DeletedAccountDto {
  @ApiProperty({ example: '01966f3a-8b2c-7d4e-9f10-3a5b7c9d1e2f' })
  id: string;
  @ApiProperty({
    enum: ['deleted', 'deleting'],
    example: 'deleted',
    description:
      '`deleted` (200): the account and all its instances are gone. `deleting` (202): the deletion ' +
      'was accepted and goes on in the background; follow it with GET /api/admin/accounts/:id ' +
      '(`deletion`) until that answers 404.',
  })
  status: 'deleted' | 'deleting';
  @ApiProperty({ example: 2, description: 'Instances deleted (so far, when `deleting`)' })
  deletedInstances: number;
  @ApiProperty({
    type: AccountDeletionDto,
    description: 'Only with `deleting` (202): the progress at the time of the answer',
  })
  deletion?: AccountDeletionDto;
}

export class DeleteAccountResponseDto {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 'Account deleted' })
  message: string;
  account: DeletedAccountDto;
}
