import { Body, Delete, Get, Post, Query } from '@nestjs/common';
import { InstanceParam } from '@wharf/common/auth/auth.decorator';
import { InstanceController } from '@wharf/common/auth/instance-controller.decorator';
import { engineError } from '@wharf/common/errors';
import { ApiErrors } from '@wharf/common/openapi/api-errors.decorator';
import { ApiSuccess } from '@wharf/common/openapi/api-success.decorator';
import type { Instance } from '@wharf/modules/instance/entities/instance.entity';
import {
  InvalidNumberError,
  NumberNotOnWhatsAppError,
} from '@wharf/modules/messaging/messaging.errors';

import {
  DeleteMessageNotFoundError,
  FavoriteTargetRequiredError,
  InvalidDurationError,
  MessageNotFoundError,
  NumberQueryRequiredError,
  PinLimitReachedError,
  TagIdQueryRequiredError,
  TagNotFoundError,
} from './chat.errors';
import { ChatStateService } from './chat-state.service';
import {
  ArchiveChatDto,
  AssignTagDto,
  ChatArchivedResponseDto,
  ChatDeletedResponseDto,
  ChatMutedResponseDto,
  ChatPinnedResponseDto,
  ChatReadResponseDto,
  ContactsByLabelQueryDto,
  ContactsByLabelResponseDto,
  ContactsQueryDto,
  ContactsResponseDto,
  CreateTagDto,
  DeleteChatDto,
  DeleteMessageDto,
  FavoriteDto,
  FavoriteResponseDto,
  MarkChatReadDto,
  MessageDeletedResponseDto,
  MuteChatDto,
  PinChatDto,
  TagAssignmentResponseDto,
  TagIdQueryDto,
  TagListResponseDto,
  TagResponseDto,
  UnassignTagQueryDto,
} from './dto/chat-state.dto';
import * as examples from './dto/chat-state.examples';

/** The engine errors every app-state write can answer. */
const APP_STATE_ERRORS = [
  engineError('INSTANCE_NOT_CONNECTED'),
  engineError('APP_STATE_NOT_READY'),
  // A `number` that is not a phone number or JID, or whose account does not exist (D13).
  InvalidNumberError,
  NumberNotOnWhatsAppError,
];

/**
 * Chat-state routes of docs/API.md §3.3: archive, markChatRead, pin, mute, deleteChat, favorite,
 * delete, tag, assignTag, contactsByLabel, contacts. Writes go through WhatsApp's app state on
 * the process that owns the session (D20); reads come from Wharf's store of it.
 */
@InstanceController('api/chat', { tag: 'Chat' })
export class ChatStateController {
  constructor(private readonly chatState: ChatStateService) {}

  @Post('archive/:instance')
  @ApiSuccess({
    summary: 'Archive or unarchive a chat',
    description:
      'Synced to the other devices through WhatsApp app state. `archive` defaults to true.',
    type: ChatArchivedResponseDto,
    example: examples.ARCHIVE_EXAMPLE,
  })
  @ApiErrors(...APP_STATE_ERRORS)
  archive(
    @InstanceParam() instance: Instance,
    @Body() body: ArchiveChatDto,
  ): Promise<ChatArchivedResponseDto> {
    return this.chatState.archive(instance, body);
  }

  @Post('markChatRead/:instance')
  @ApiSuccess({
    summary: 'Mark a chat as read or unread',
    type: ChatReadResponseDto,
    example: examples.MARK_CHAT_READ_EXAMPLE,
  })
  @ApiErrors(...APP_STATE_ERRORS)
  markChatRead(
    @InstanceParam() instance: Instance,
    @Body() body: MarkChatReadDto,
  ): Promise<ChatReadResponseDto> {
    return this.chatState.markChatRead(instance, body);
  }

  @Post('pin/:instance')
  @ApiSuccess({
    summary: 'Pin or unpin a chat',
    description:
      'At most 3 chats can be pinned; a fourth answers 409 `You can only pin up to 3 chats` (code and literal chosen under D2: docs/API.md leaves them open).',
    type: ChatPinnedResponseDto,
    example: examples.PIN_EXAMPLE,
  })
  @ApiErrors(PinLimitReachedError, ...APP_STATE_ERRORS)
  pin(
    @InstanceParam() instance: Instance,
    @Body() body: PinChatDto,
  ): Promise<ChatPinnedResponseDto> {
    return this.chatState.pin(instance, body);
  }

  @Post('mute/:instance')
  @ApiSuccess({
    summary: 'Mute or unmute a chat',
    type: ChatMutedResponseDto,
    example: examples.MUTE_EXAMPLE,
  })
  @ApiErrors(InvalidDurationError, ...APP_STATE_ERRORS)
  mute(
    @InstanceParam() instance: Instance,
    @Body() body: MuteChatDto,
  ): Promise<ChatMutedResponseDto> {
    return this.chatState.mute(instance, body);
  }

  @Delete('deleteChat/:instance')
  @ApiSuccess({
    summary: 'Delete a chat',
    description:
      "Deletes the chat on this account's devices (app state); does not leave groups. Wharf's own message history is kept.",
    type: ChatDeletedResponseDto,
    example: examples.DELETE_CHAT_EXAMPLE,
  })
  @ApiErrors(...APP_STATE_ERRORS)
  deleteChat(
    @InstanceParam() instance: Instance,
    @Body() body: DeleteChatDto,
  ): Promise<ChatDeletedResponseDto> {
    return this.chatState.deleteChat(instance, body);
  }

  @Post('favorite/:instance')
  @ApiSuccess({
    summary: 'Favorite a chat or a message',
    description:
      "A message is starred through app state (messages: `Message added to favorites successfully` / `Message removed from favorites successfully`, D2). Chats answer 501 (D16): WhatsApp's favourites list has no engine support yet.",
    type: FavoriteResponseDto,
    example: examples.FAVORITE_EXAMPLE,
  })
  @ApiErrors(
    FavoriteTargetRequiredError,
    MessageNotFoundError,
    engineError('NOT_SUPPORTED_BY_ENGINE'),
    ...APP_STATE_ERRORS,
  )
  favorite(
    @InstanceParam() instance: Instance,
    @Body() body: FavoriteDto,
  ): Promise<FavoriteResponseDto> {
    return this.chatState.favorite(instance, body);
  }

  @Delete('delete/:instance')
  @ApiSuccess({
    summary: 'Delete or revoke a message',
    description:
      "`deleteForEveryone: true` revokes the message for everyone; otherwise it is deleted on this account's devices only (app state; `Message deleted for me`, D2).",
    type: MessageDeletedResponseDto,
    example: examples.DELETE_MESSAGE_EXAMPLE,
  })
  @ApiErrors(DeleteMessageNotFoundError, ...APP_STATE_ERRORS)
  deleteMessage(
    @InstanceParam() instance: Instance,
    @Body() body: DeleteMessageDto,
  ): Promise<MessageDeletedResponseDto> {
    return this.chatState.deleteMessage(instance, body);
  }

  @Get('tag/:instance')
  @ApiSuccess({
    summary: 'List labels',
    description: 'Labels as WhatsApp app state last synced them (created here or on the phone).',
    type: TagListResponseDto,
    example: examples.TAG_LIST_EXAMPLE,
  })
  listTags(@InstanceParam() instance: Instance): Promise<TagListResponseDto> {
    return this.chatState.listTags(instance);
  }

  @Post('tag/:instance')
  @ApiSuccess({
    summary: 'Create a label',
    type: TagResponseDto,
    example: examples.TAG_CREATED_EXAMPLE,
  })
  @ApiErrors(...APP_STATE_ERRORS)
  createTag(
    @InstanceParam() instance: Instance,
    @Body() body: CreateTagDto,
  ): Promise<TagResponseDto> {
    return this.chatState.createTag(instance, body);
  }

  @Delete('tag/:instance')
  @ApiSuccess({
    summary: 'Delete a label',
    type: TagResponseDto,
    example: examples.TAG_DELETED_EXAMPLE,
  })
  @ApiErrors(TagIdQueryRequiredError, TagNotFoundError, ...APP_STATE_ERRORS)
  deleteTag(
    @InstanceParam() instance: Instance,
    @Query() query: TagIdQueryDto,
  ): Promise<TagResponseDto> {
    return this.chatState.deleteTag(instance, query.tagId);
  }

  @Post('assignTag/:instance')
  @ApiSuccess({
    summary: 'Assign a label to a chat',
    type: TagAssignmentResponseDto,
    example: examples.TAG_ASSIGNED_EXAMPLE,
  })
  @ApiErrors(TagNotFoundError, ...APP_STATE_ERRORS)
  assignTag(
    @InstanceParam() instance: Instance,
    @Body() body: AssignTagDto,
  ): Promise<TagAssignmentResponseDto> {
    return this.chatState.assignTag(instance, body);
  }

  @Delete('assignTag/:instance')
  @ApiSuccess({
    summary: 'Remove a label from a chat',
    type: TagAssignmentResponseDto,
    example: examples.TAG_REMOVED_EXAMPLE,
  })
  @ApiErrors(
    NumberQueryRequiredError,
    TagIdQueryRequiredError,
    TagNotFoundError,
    ...APP_STATE_ERRORS,
  )
  unassignTag(
    @InstanceParam() instance: Instance,
    @Query() query: UnassignTagQueryDto,
  ): Promise<TagAssignmentResponseDto> {
    return this.chatState.unassignTag(instance, query);
  }

  @Get('contactsByLabel/:instance')
  @ApiSuccess({
    summary: 'Chats by label',
    description:
      'Each chat once with all its labels (`chat_jid`, `name` when known, `labels`). `refresh=true` fetches the labels from WhatsApp first (503 without a connection).',
    type: ContactsByLabelResponseDto,
    example: examples.CONTACTS_BY_LABEL_EXAMPLE,
  })
  @ApiErrors(engineError('INSTANCE_NOT_CONNECTED'), engineError('APP_STATE_NOT_READY'))
  contactsByLabel(
    @InstanceParam() instance: Instance,
    @Query() query: ContactsByLabelQueryDto,
  ): Promise<ContactsByLabelResponseDto> {
    return this.chatState.contactsByLabel(instance, query);
  }

  @Get('contacts/:instance')
  @ApiSuccess({
    summary: 'List contacts',
    description:
      "The contacts synced from the phone's address book and seen with a push name; no WhatsApp traffic. With `number`: one `contact` (`found: false` when unknown).",
    type: ContactsResponseDto,
    example: examples.CONTACTS_EXAMPLE,
  })
  @ApiErrors(engineError('INVALID_JID'))
  contacts(
    @InstanceParam() instance: Instance,
    @Query() query: ContactsQueryDto,
  ): Promise<ContactsResponseDto> {
    return this.chatState.contacts(instance, query.number);
  }
}
