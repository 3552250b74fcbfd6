import type { OutgoingContent } from '@wharf/whatsapp';

import type { SendLocationDto, SendPollDto } from '../dto/send-more.dto';
import type { SendTextDto } from '../dto/send-text.dto';
import { invalidField } from '../messaging.errors';

/**
 * Content of `POST /api/message/text`: `message`, or its D22 alias `text`. The DTO already
 * requires one of them (a `linkPreview` is added at send time, D12).
 */
export function textContent(body: Pick<SendTextDto, 'message' | 'text'>): OutgoingContent {
  return { kind: 'text', text: body.message ?? body.text ?? '' };
}

/**
 * Content of `POST /api/message/location` (docs/API.md §3.2). The point 0,0 is what clients send for
 * "no coordinates", so it is refused.
 * @throws ValidationFailedError `Invalid request body: latitude and longitude are required`
 */
export function locationContent(
  body: Pick<SendLocationDto, 'latitude' | 'longitude' | 'name' | 'address'>,
): OutgoingContent {
  if (body.latitude === 0 && body.longitude === 0)
    throw invalidField('latitude', 'latitude and longitude are required');
  return {
    kind: 'location',
    latitude: body.latitude,
    longitude: body.longitude,
    name: body.name,
    address: body.address,
  };
}

/**
 * Content of `POST /api/message/poll` (docs/API.md §3.2): `maxAnswer` below 1 becomes 1, above the
 * option count becomes the option count (default 1: a single-choice poll).
 */
export function pollContent(
  body: Pick<SendPollDto, 'question' | 'options' | 'maxAnswer'>,
): OutgoingContent {
  const selectableCount = Math.min(Math.max(body.maxAnswer ?? 1, 1), body.options.length);
  return { kind: 'poll', name: body.question, options: body.options, selectableCount };
}
