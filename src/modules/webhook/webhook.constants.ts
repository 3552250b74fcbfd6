/** Most webhooks enabled at once per instance (docs/API.md §2.3). */
export const MAX_ENABLED_WEBHOOKS = 3;
export const DEFAULT_WEBHOOK_LABEL = 'default';
/** Longest webhook URL, characters (route and inline block of instance creation alike). */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Name of the Bull queue of webhook deliveries (one job per attempt; job data = ids only). */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
