import { deliveryUrl } from './webhook-url';

describe('deliveryUrl (docs/API.md §2.3)', () => {
  it('uses the URL exactly as configured without byEvents', () => {
    expect(deliveryUrl('https://app.example.com/wh?x=1&y=%20', false, 'message.exchange')).toBe(
      'https://app.example.com/wh?x=1&y=%20',
    );
  });

  it('appends the event name to the path and keeps the query string', () => {
    expect(deliveryUrl('https://app.example.com/wh?x=1', true, 'message.exchange')).toBe(
      'https://app.example.com/wh/message.exchange?x=1',
    );
    expect(deliveryUrl('https://app.example.com/wh/', true, 'call.update')).toBe(
      'https://app.example.com/wh/call.update',
    );
    expect(deliveryUrl('http://127.0.0.1:9000', true, 'instance.state')).toBe(
      'http://127.0.0.1:9000/instance.state',
    );
  });
});
