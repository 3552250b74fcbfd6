import { Module } from '@nestjs/common';

import { InstanceModule } from '../instance/instance.module';
import { AccountService } from './account.service';
import { AdminController } from './admin.controller';

@Module({ imports: [InstanceModule], controllers: [AdminController], providers: [AccountService] })
export class AccountModule {}
