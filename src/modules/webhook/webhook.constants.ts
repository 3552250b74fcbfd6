/** Most webhooks enabled at once per instance (API.md §2.3). */
export const MAX_ENABLED_WEBHOOKS = 3;
export const DEFAULT_WEBHOOK_LABEL = 'default';
/** Name of the Bull queue of webhook deliveries (one job per attempt; job data = ids only). */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
