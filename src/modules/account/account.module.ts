import { Module } from '@nestjs/common';
import { SessionModule } from '@wharf/modules/session/session.module';

import { AccountService } from './account.service';
import { AccountDeletionService } from './account-deletion.service';
import { AdminController } from './admin.controller';

@Module({
  imports: [SessionModule],
  controllers: [AdminController],
  providers: [AccountService, AccountDeletionService],
})
export class AccountModule {}
