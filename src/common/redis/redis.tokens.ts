/** Injection token of the shared ioredis client (commands fail fast when Redis is down). */
export const REDIS = Symbol('REDIS');
