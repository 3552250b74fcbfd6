import { Module } from '@nestjs/common';
import { ProxyModule } from '@wharf/modules/proxy/proxy.module';
import { SettingsModule } from '@wharf/modules/settings/settings.module';

import { SessionController } from './session.controller';
import { SessionProvider } from './session.provider';
import { SessionCommandRelay } from './session-command.relay';
import { SessionLeaseService } from './session-lease.service';

@Module({
  imports: [SettingsModule, ProxyModule],
  controllers: [SessionController],
  providers: [SessionProvider, SessionLeaseService, SessionCommandRelay],
  exports: [SessionProvider, SessionLeaseService],
})
export class SessionModule {}
