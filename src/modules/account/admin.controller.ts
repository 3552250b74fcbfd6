import { Body, Controller, Delete, Get, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth } from '@wharf/common/auth/auth.decorator';
import {
  AccountNotFoundError,
  OperationFailedError,
  ValidationFailedError,
} from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { FastifyReply } from 'fastify';

import { AccountService } from './account.service';
import {
  AccountListResponseDto,
  AccountResponseDto,
  AccountWithTokenResponseDto,
  CreateAccountDto,
  DeleteAccountResponseDto,
  UpdateAccountDto,
} from './dto/account.dto';
import { EXAMPLE_ACCOUNT, EXAMPLE_ACCOUNT_TOKEN } from './dto/account.examples';


/** Operator routes of D4, ADMIN_TOKEN only. */
@ApiTags('Admin')
@Controller('api/admin/accounts')
@Auth('admin')
export class AdminController {
  constructor(private readonly accounts: AccountService) {}

  @Post()
  @ApiSuccess({
    summary: 'Create an account',
    description: 'Returns the TokenAccount once; it cannot be recovered.',
    status: 201,
    type: AccountWithTokenResponseDto,
    example: { success: true, message: 'Account created', account: { ...EXAMPLE_ACCOUNT, token: EXAMPLE_ACCOUNT_TOKEN } },
  })
  @ApiErrors(ValidationFailedError)
  async create(@Body() body: CreateAccountDto): Promise<AccountWithTokenResponseDto> {
    return { success: true, message: 'Account created', account: await this.accounts.create(body) };
  }

  @Get()
  @ApiSuccess({
    summary: 'List accounts',
    type: AccountListResponseDto,
    example: { success: true, message: '1 Account found', accounts: [EXAMPLE_ACCOUNT], meta: { total: 1 } },
  })
  async list(): Promise<AccountListResponseDto> {
    const accounts = await this.accounts.list();
    return {
      success: true,
      message: `${accounts.length} ${accounts.length === 1 ? 'Account' : 'Accounts'} found`,
      accounts,
      meta: { total: accounts.length },
    };
  }

  @Get(':id')
  @ApiSuccess({
    summary: 'Read an account',
    type: AccountResponseDto,
    example: { success: true, message: 'Account retrieved', account: EXAMPLE_ACCOUNT },
  })
  @ApiErrors(AccountNotFoundError)
  async get(@Param('id') id: string): Promise<AccountResponseDto> {
    return { success: true, message: 'Account retrieved', account: await this.accounts.get(id) };
  }

  @Patch(':id')
  @ApiSuccess({
    summary: 'Update name, instanceLimit or disabled',
    type: AccountResponseDto,
    example: { success: true, message: 'Account updated', account: { ...EXAMPLE_ACCOUNT, disabled: true } },
  })
  @ApiErrors(AccountNotFoundError, ValidationFailedError)
  async update(
    @Param('id') id: string,
    @Body() body: UpdateAccountDto,
  ): Promise<AccountResponseDto> {
    return {
      success: true,
      message: 'Account updated',
      account: await this.accounts.update(id, body),
    };
  }

  @Post(':id/rotateToken')
  @ApiSuccess({
    summary: 'Issue a new TokenAccount',
    description: 'The old TokenAccount stops working at once.',
    type: AccountWithTokenResponseDto,
    example: {
      success: true,
      message: 'Account token rotated',
      account: { ...EXAMPLE_ACCOUNT, token: EXAMPLE_ACCOUNT_TOKEN },
    },
  })
  @ApiErrors(AccountNotFoundError)
  async rotateToken(@Param('id') id: string): Promise<AccountWithTokenResponseDto> {
    return {
      success: true,
      message: 'Account token rotated',
      account: await this.accounts.rotateToken(id),
    };
  }

  @Delete(':id')
  @ApiSuccess({
    summary: 'Delete an account and all its instances',
    description:
      'The account\'s tokens and its instances\' tokens answer 401 from this moment on. The ' +
      'instances are logged out and deleted in the background, in chunks (DELETION_CHUNK_SIZE), ' +
      'so a large account never stalls the process (issue 11). The answer waits at most ' +
      'DELETION_WAIT_MS: 200 `deleted` when everything is gone by then, otherwise 202 `deleting` ' +
      'with `deletion` progress; GET /api/admin/accounts/:id shows `deletion` until it answers ' +
      '404. A crashed deletion is resumed by any process. Calling it again is harmless.',
    type: DeleteAccountResponseDto,
    example: {
      success: true,
      message: 'Account deleted',
      account: { id: EXAMPLE_ACCOUNT.id, status: 'deleted', deletedInstances: 2 },
    },
  })
  @ApiResponse({
    status: 202,
    description: 'Accepted: the deletion goes on in the background',
    type: DeleteAccountResponseDto,
    example: {
      success: true,
      message: 'Account deleted',
      account: {
        id: EXAMPLE_ACCOUNT.id,
        status: 'deleting',
        deletedInstances: 300,
        deletion: { status: 'running', instancesTotal: 10000, instancesDeleted: 300 },
      },
    },
  })
  @ApiErrors(AccountNotFoundError, {
    ...OperationFailedError,
    literal: 'Failed to delete account',
    name: 'DeleteFailed',
  })
  async delete(
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeleteAccountResponseDto> {
    const outcome = await this.accounts.delete(id);
    if (outcome.done) {
      return {
        success: true,
        message: 'Account deleted',
        account: { id, status: 'deleted', deletedInstances: outcome.deletedInstances },
      };
    }
    reply.status(202);
    return {
      success: true,
      message: 'Account deleted',
      account: {
        id,
        status: 'deleting',
        deletedInstances: outcome.deletion.instancesDeleted,
        deletion: outcome.deletion,
      },
    };
  }
}
