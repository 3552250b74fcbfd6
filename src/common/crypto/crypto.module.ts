import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '@wharf/config';

import { SecretBox } from './secret-box';

/** Provides the {@link SecretBox} built from ENCRYPTION_KEY / ENCRYPTION_KEYS_PREVIOUS (D11). */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) => {
        const security = config.get('security', { infer: true });
        return new SecretBox(security.encryptionKey, security.decryptionKeys);
      },
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
