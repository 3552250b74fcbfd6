import type {
  AppStateEvent,
  CallEvent,
  ConnectionEvent,
  InboundMessage,
  ProfileEvent,
  ReceiptEvent,
} from '@wharf/whatsapp';

/** A message or receipt of a session, as the engine port reports it. */
export type SessionTraffic =
  { kind: 'message'; message: InboundMessage } | { kind: 'receipt'; receipt: ReceiptEvent };

/** The instance a piece of traffic belongs to; `ownJid` is the linked device's JID. */
export interface TrafficOwner {
  id: string;
  name: string;
  ownJid: string | null;
}

export type SessionTrafficListener = (
  instance: TrafficOwner,
  traffic: SessionTraffic,
) => Promise<void>;

/** The instance an event of {@link SessionEvents} belongs to. */
export interface SessionInstance {
  id: string;
  name: string;
}

/**
 * What `SessionProvider.on` delivers, for the sessions this process owns. Every listener but
 * `owned` runs in the instance's event chain: events of one instance are handled one after the
 * other in the order the engine emitted them (a listener's promise is awaited before the next
 * event), instances run independently. A listener that throws is logged and the chain goes on.
 */
export interface SessionEvents {
  /** Messages and receipts (messaging ingestion), with the own JID. */
  traffic: SessionTrafficListener;
  /** Incoming call updates (call handling: `call.update`, autoRejectCalls). */
  call: (instance: SessionInstance, call: CallEvent) => Promise<void>;
  /**
   * An app-state change (chat flags, labels, contacts, stars, deletions for me) from this
   * instance's own writes or its other devices (the chat-state tables, `label.update`).
   */
  appState: (instance: SessionInstance, event: AppStateEvent) => Promise<void>;
  /** The own profile became known or changed (the instance's profile columns). */
  profile: (instance: SessionInstance, profile: ProfileEvent) => Promise<void>;
  /**
   * A connection event, after the provider handled it (state stored, `instance.state`
   * published, reconnect scheduled or session closed).
   */
  connection: (instance: SessionInstance, event: ConnectionEvent) => Promise<void>;
  /** This process started running the instance's session (connect, restore, takeover). Not chained. */
  owned: (instanceId: string) => void;
}

type InstanceEvent = 'call' | 'profile' | 'connection' | 'appState';
type PayloadOf<K extends InstanceEvent> = Parameters<SessionEvents[K]>[1];

/**
 * The subscribers of {@link SessionEvents}. `SessionProvider` calls `deliver`/`traffic` from an
 * instance's event chain, so listeners run one after the other, in the engine's order per
 * instance; `owned` listeners are called synchronously.
 */
export class SessionSubscribers {
  private readonly listeners: { [K in keyof SessionEvents]: Set<SessionEvents[K]> } = {
    traffic: new Set(),
    call: new Set(),
    appState: new Set(),
    profile: new Set(),
    connection: new Set(),
    owned: new Set(),
  };

  /** Adds `listener` for `event`; returns the unsubscribe function. */
  add<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    const set = this.listeners[event] as Set<SessionEvents[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Awaits every `event` listener in turn. @throws the first listener error (the chain logs it) */
  async deliver<K extends InstanceEvent>(
    event: K,
    instance: SessionInstance,
    payload: PayloadOf<K>,
  ): Promise<void> {
    const set = this.listeners[event] as Set<
      (instance: SessionInstance, payload: PayloadOf<K>) => Promise<void>
    >;
    for (const listener of set) await listener(instance, payload);
  }

  /** Awaits every `traffic` listener in turn. */
  async traffic(owner: TrafficOwner, traffic: SessionTraffic): Promise<void> {
    for (const listener of this.listeners.traffic) await listener(owner, traffic);
  }

  /** Tells every `owned` listener that this process now runs `instanceId`'s session. */
  owned(instanceId: string): void {
    for (const listener of this.listeners.owned) listener(instanceId);
  }
}
