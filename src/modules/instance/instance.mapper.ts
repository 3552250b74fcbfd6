import type { ProxySummaryDto } from '@wharf/modules/proxy/dto/proxy.dto';
import type { SettingsDto } from '@wharf/modules/settings/dto/settings.dto';
import type { S3SummaryDto } from '@wharf/modules/storage/dto/s3.dto';
import type { WebhookSummaryDto } from '@wharf/modules/webhook/dto/webhook.dto';
import type { WebsocketSummaryDto } from '@wharf/modules/websocket/dto/websocket-config.dto';

import type {
  ChatwootSummaryDto,
  ConnectionDto,
  InstanceListItemDto,
} from './dto/instance-response.dto';
import type { Instance, InstanceState } from './entities/instance.entity';

const DISPLAY_STATUS: Record<InstanceState, string> = {
  disconnected: 'Disconnected',
  connecting: 'Connecting',
  connected: 'Connected',
  loggedout: 'Logged out',
  banned: 'Banned',
};

export function toConnection(instance: Instance): ConnectionDto {
  return {
    state: instance.state,
    numberJid: instance.numberJid,
    presenceStatus: instance.state === 'connected' ? 'available' : 'unavailable',
    displayStatus: DISPLAY_STATUS[instance.state as InstanceState],
  };
}

export interface InstanceSummaries {
  webhook: WebhookSummaryDto;
  websocket: WebsocketSummaryDto;
  chatwoot: ChatwootSummaryDto;
  proxy: ProxySummaryDto;
  settings: SettingsDto;
  s3: S3SummaryDto;
}

/** An item of `GET /api/instance/list` (D23; `token` per D3). */
export function toInstanceListItem(
  instance: Instance,
  token: string,
  summaries: InstanceSummaries,
): InstanceListItemDto {
  const connection = toConnection(instance);
  return {
    id: instance.id,
    name: instance.name,
    token,
    status: connection.state,
    numberJid: connection.numberJid,
    connection,
    profile: {
      name: instance.profileName ?? '',
      pictureUrl: instance.profilePictureUrl ?? '',
      isBusiness: instance.isBusiness,
      businessName: instance.businessName ?? '',
    },
    ...summaries,
    createdAt: instance.createdAt.toISOString(),
  };
}
