import { hasOutcome } from './send-outcome.waiter';

describe('hasOutcome (when a synchronous send answers, D14)', () => {
  it('is reached by a failure or by the recorded acceptance', () => {
    expect(hasOutcome({ status: 'failed', statusTimes: { failed: '2026-12-07T10:00:00Z' } })).toBe(
      true,
    );
    expect(hasOutcome({ status: 'sent', statusTimes: { sent: '2026-12-07T10:00:00Z' } })).toBe(
      true,
    );
    expect(
      hasOutcome({
        status: 'read',
        statusTimes: { sent: '2026-12-07T10:00:00Z', read: '2026-12-07T10:00:01Z' },
      }),
    ).toBe(true);
  });

  it('is not reached by a receipt that arrived before the send recorded its acceptance', () => {
    // The counterpart's delivery receipt moved the row on while the sender still uploaded its
    // media to S3: answering now would give a body without timestamp and s3Url.
    expect(
      hasOutcome({ status: 'delivered', statusTimes: { delivered: '2026-12-07T10:00:01Z' } }),
    ).toBe(false);
    expect(
      hasOutcome({ status: 'sending', statusTimes: { pending: '2026-12-07T10:00:00Z' } }),
    ).toBe(false);
  });
});
