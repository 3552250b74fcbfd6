export * from './domain-error';
export * from './engine-errors';
export * from './error-envelope';
