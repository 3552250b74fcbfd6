import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import type { SessionInstance } from '@wharf/modules/session/session-events';
import type { ProfileEvent } from '@wharf/whatsapp';

import { Instance } from './entities/instance.entity';

/**
 * Keeps the instance's profile columns (`profileName`, `isBusiness`, `businessName`) in step
 * with the own profile the engine reports (`SessionProvider.on('profile')`).
 */
@Injectable()
export class InstanceProfileService {
  constructor(
    private readonly em: EntityManager,
    sessions: SessionProvider,
  ) {
    sessions.on('profile', (instance, profile) => this.store(instance, profile));
  }

  /** Writes the profile to the instance row. */
  async store(instance: SessionInstance, profile: ProfileEvent): Promise<void> {
    await this.em.fork().nativeUpdate(
      Instance,
      { id: instance.id },
      {
        profileName: profile.name,
        isBusiness: profile.isBusiness,
        businessName: profile.isBusiness ? profile.name : null,
      },
    );
  }
}
