import { classifyClose, QR_REFS_ENDED } from '../src/baileys/close-reason';

describe('classifyClose: what a closed Baileys socket means', () => {
  it.each([
    [515, undefined, { kind: 'restart' }],
    [401, 'Stream Errored (conflict)', { kind: 'logged_out' }],
    [401, 'Connection Failure', { kind: 'logged_out' }],
    [403, 'Connection Failure', { kind: 'banned', temporary: false }],
    [402, 'Connection Failure', { kind: 'banned', temporary: true }],
    [
      440,
      'Stream Errored (conflict)',
      { kind: 'disconnected', cause: 'replaced', retryable: false },
    ],
    [408, QR_REFS_ENDED, { kind: 'disconnected', cause: 'qr_timeout', retryable: false }],
    [
      408,
      'Connection was lost',
      { kind: 'disconnected', cause: 'connection_lost', retryable: true },
    ],
    [
      428,
      'Connection Terminated',
      { kind: 'disconnected', cause: 'connection_lost', retryable: true },
    ],
    [
      500,
      'Stream Errored (bad-session)',
      { kind: 'disconnected', cause: 'connection_lost', retryable: true },
    ],
    [503, 'Stream Errored', { kind: 'disconnected', cause: 'connection_lost', retryable: true }],
    [undefined, undefined, { kind: 'disconnected', cause: 'connection_lost', retryable: true }],
  ])('maps %s (%s)', (statusCode, message, outcome) => {
    expect(classifyClose(statusCode, message)).toEqual(outcome);
  });
});
