import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { retryAfterInsertRace } from '@wharf/database/unique-race';
import { EventsService } from '@wharf/modules/events/events.service';
import { Instance } from '@wharf/modules/instance/entities/instance.entity';
import { SessionProvider } from '@wharf/modules/session/session.provider';
import type { SessionInstance } from '@wharf/modules/session/session-events';
import type { AppStateEvent, ChatFlagsChange, ContactChange, LabelInfo } from '@wharf/whatsapp';

import { ChatLabel } from './entities/chat-label.entity';
import { ChatLabelAssignment } from './entities/chat-label-assignment.entity';
import { ChatState } from './entities/chat-state.entity';
import { Contact } from './entities/contact.entity';

/** `label.update` actions (docs/API.md §2.5 "Labels created, renamed or assigned"; D7). */
export type LabelAction = 'created' | 'renamed' | 'deleted' | 'assigned' | 'removed';

/**
 * Wharf's copy of the app state WhatsApp lets no client query (labels, label assignments, chat
 * flags, contacts; docs/round2-protocol §2.2), per instance. Two writers apply the same changes:
 * the `appState` events of the sessions this process owns (the phone's changes and the echo of
 * Wharf's own writes, Baileys' `emitOwnEvents`), and the chat-state routes right after a write
 * succeeded (so a read on any process sees it at once). Applying a change twice changes nothing
 * the second time; `label.update` (D7) is published by whichever writer changed a label or an
 * assignment, so once per change.
 */
@Injectable()
export class ChatStateStore {
  constructor(
    private readonly em: EntityManager,
    private readonly events: EventsService,
    sessions: SessionProvider,
  ) {
    sessions.on('appState', (instance, event) => this.apply(instance, event));
    sessions.on('connection', async (instance, event) => {
      if (event.state === 'loggedout') await this.forget(instance.id);
    });
  }

  /**
   * Forgets everything kept of an instance's app state: after a logout the next link may be
   * another account, and Baileys' own app-state versions are gone with the credentials, so the
   * first sync of the next link brings the whole state again.
   */
  async forget(instanceId: string): Promise<void> {
    const em = this.em.fork();
    await em.nativeDelete(ChatLabel, { instance: instanceId });
    await em.nativeDelete(ChatLabelAssignment, { instance: instanceId });
    await em.nativeDelete(ChatState, { instance: instanceId });
    await em.nativeDelete(Contact, { instance: instanceId });
  }

  /** Applies one engine `appState` event of `instance`. */
  async apply(instance: SessionInstance, event: AppStateEvent): Promise<void> {
    switch (event.kind) {
      case 'label':
        return this.applyLabel(instance, event.label);
      case 'labelAssociation':
        return this.applyAssignment(instance, event.labelId, event.chatJid, event.labeled);
      case 'chat':
        return this.applyChat(instance.id, event.change);
      case 'chatDeleted':
        return this.deleteChat(instance.id, event.chatJid);
      case 'contact':
        return this.applyContact(instance.id, event.contact);
      case 'starred':
      case 'deletedForMe':
        // Stars and deletions for me are not kept: no route reads them (docs/API.md §3.3).
        return;
    }
  }

  /** Stores a label as WhatsApp reports it; publishes `label.update` when it changed. */
  async applyLabel(instance: SessionInstance, label: LabelInfo): Promise<void> {
    const em = this.em.fork();
    const action = await retryAfterInsertRace(em, async () => {
      let row = await em.findOne(ChatLabel, { instance: instance.id, labelId: label.id });
      let action: LabelAction | null;
      if (!row) {
        row = em.create(ChatLabel, {
          instance: em.getReference(Instance, instance.id),
          labelId: label.id,
        });
        action = label.deleted ? 'deleted' : 'created';
      } else if (label.deleted) {
        action = row.deleted ? null : 'deleted';
      } else if (row.deleted) {
        action = 'created';
      } else {
        action = row.name !== label.name || row.color !== label.color ? 'renamed' : null;
      }
      row.name = label.name;
      row.color = label.color;
      row.deleted = label.deleted;
      row.predefinedId = label.predefinedId;
      await em.flush();
      return action;
    });
    if (label.deleted) {
      await em.nativeDelete(ChatLabelAssignment, { instance: instance.id, labelId: label.id });
    }
    if (action) {
      await this.events.publish(instance, 'label.update', {
        labelId: label.id,
        action,
        name: label.name,
        color: label.color,
        deleted: label.deleted,
        timestamp: new Date().toISOString(),
      });
    }
  }

  /** Applies or removes a label on a chat; publishes `label.update` when that changed. */
  async applyAssignment(
    instance: SessionInstance,
    labelId: string,
    chatJid: string,
    labeled: boolean,
  ): Promise<void> {
    const em = this.em.fork();
    const where = { instance: instance.id, labelId, chatJid };
    let changed: boolean;
    if (labeled) {
      changed = await retryAfterInsertRace(em, async () => {
        if (await em.count(ChatLabelAssignment, where)) return false;
        em.create(ChatLabelAssignment, {
          instance: em.getReference(Instance, instance.id),
          labelId,
          chatJid,
        });
        await em.flush();
        return true;
      }).catch(() => false);
    } else {
      changed = (await em.nativeDelete(ChatLabelAssignment, where)) > 0;
    }
    if (changed) {
      const label = await em.findOne(ChatLabel, { instance: instance.id, labelId });
      await this.events.publish(instance, 'label.update', {
        labelId,
        action: labeled ? 'assigned' : 'removed',
        ...(label ? { name: label.name } : {}),
        chatJid,
        timestamp: new Date().toISOString(),
      });
    }
  }

  /** Stores the flags a change carries (absent ones stay). */
  async applyChat(instanceId: string, change: ChatFlagsChange): Promise<void> {
    const em = this.em.fork();
    await retryAfterInsertRace(em, async () => {
      const row =
        (await em.findOne(ChatState, { instance: instanceId, chatJid: change.chatJid })) ??
        em.create(ChatState, {
          instance: em.getReference(Instance, instanceId),
          chatJid: change.chatJid,
        });
      if (change.archived !== undefined) row.archived = change.archived;
      if (change.pinnedAt !== undefined) row.pinnedAt = change.pinnedAt;
      if (change.mutedUntil !== undefined) {
        row.mutedForever = change.mutedUntil === 'forever';
        row.mutedUntil = change.mutedUntil instanceof Date ? change.mutedUntil : null;
      }
      if (change.unread !== undefined) row.unread = change.unread;
      await em.flush();
    });
  }

  /** Forgets a deleted chat's flags (its labels stay, as on the phone). */
  async deleteChat(instanceId: string, chatJid: string): Promise<void> {
    await this.em.fork().nativeDelete(ChatState, { instance: instanceId, chatJid });
  }

  /** Stores what a contact change carries (absent fields stay). */
  async applyContact(instanceId: string, contact: ContactChange): Promise<void> {
    const em = this.em.fork();
    await retryAfterInsertRace(em, async () => {
      const row =
        (await em.findOne(Contact, { instance: instanceId, jid: contact.jid })) ??
        em.create(Contact, {
          instance: em.getReference(Instance, instanceId),
          jid: contact.jid,
        });
      if (contact.lid !== undefined) row.lid = contact.lid;
      if (contact.phoneNumberJid !== undefined) row.phoneNumberJid = contact.phoneNumberJid;
      if (contact.name !== undefined) row.name = contact.name;
      if (contact.pushName !== undefined) row.pushName = contact.pushName;
      if (contact.businessName !== undefined) row.businessName = contact.businessName;
      await em.flush();
    });
  }
}
