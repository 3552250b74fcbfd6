/**
 * Chat-state routes of docs/API.md §3.3 through the sandbox (issue 14): every write is proven by
 * what the account's phone sees (its primary, a real Baileys client, folds the app-state patches
 * Wharf uploaded: `GET /phones/:n/chats|labels|contacts|starred`), every read by a change the
 * phone made itself. Bad input changes nothing on the phone. One route per facet also runs
 * through the process that does not own the session (D20).
 */
import { ChatState } from '@wharf/modules/chat/entities/chat-state.entity';

import { createThrowawayDatabase, type ThrowawayDatabase } from '../../scripts/db-tools';
import { createAccount, createInstance } from '../support/fixtures';
import { Api } from '../support/http';
import {
  allEvents,
  linkByQr,
  type Sandbox,
  sandboxEnv,
  startTestSandbox,
} from '../support/sessions';
import { waitUntil } from '../support/wait';
import { startWharf, TEST_DIALECT, type WharfHandle } from '../support/wharf';

const OWN = '5511955500000';
const DAN = { number: '5511955500001', name: 'Dan' };
const EVE = { number: '5511955500002', name: 'Eve' };
/** A mobile number with the 9th digit (its variant without it: 551187650001). */
const NINE = '5511987650001';
const danJid = `${DAN.number}@s.whatsapp.net`;
const eveJid = `${EVE.number}@s.whatsapp.net`;

async function control(sandbox: Sandbox, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${sandbox.controlUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const parsed = await res.json();
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('chat-state routes (docs/API.md §3.3, app state through the sandbox)', () => {
  let sandbox: Sandbox;
  let db: ThrowawayDatabase;
  let owner: WharfHandle;
  let other: WharfHandle;
  let api: Api;
  let otherApi: Api;
  let ta: string;
  let instanceId: string;

  const chatOnPhone = (jid: string) => sandbox.chats(OWN).find((chat) => chat.jid === jid);
  const post = (route: string, body: unknown) =>
    api.post(`/api/chat/${route}/state`, { token: ta, body });
  const labelEvents = async () =>
    (await allEvents(owner, instanceId))
      .filter((e) => e.event === 'label.update')
      .map((e) => e.data);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    db = await createThrowawayDatabase(TEST_DIALECT, 'wharf_chatstate');
    owner = await startWharf({ db, env: sandboxEnv(sandbox) });
    const { ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX } = owner.env;
    api = new Api(owner.url);
    ta = (await createAccount(owner, 'State')).token;
    instanceId = (await createInstance(owner, ta, 'state')).id;
    sandbox.createPhone(OWN, 'State');
    sandbox.createPhone(DAN.number, DAN.name);
    sandbox.createPhone(EVE.number, EVE.name);
    // More chats for the pin limit: chat routes check the number with WhatsApp first (D13).
    for (const n of [3, 4, 5, 6]) sandbox.createPhone(`551195550000${n}`, `Chat ${n}`);
    sandbox.createPhone(NINE, 'Nine');
    await linkByQr(api, sandbox, ta, 'state', OWN);
    other = await startWharf({
      db,
      env: { ...sandboxEnv(sandbox), ADMIN_TOKEN, ENCRYPTION_KEY, REDIS_KEY_PREFIX },
    });
    otherApi = new Api(other.url);
  });
  afterAll(async () => {
    await other?.close();
    await owner?.close();
    await sandbox?.close();
    await db?.drop();
  });

  it('archive / unarchive: the phone sees the chat archived, then not; bad input changes nothing', async () => {
    const res = await post('archive', { number: DAN.number, archive: true });
    expect([res.status, res.body]).toEqual([
      200,
      { success: true, message: 'Chat archived successfully', chat_jid: danJid, archived: true },
    ]);
    await waitUntil('the phone to see the chat archived', () => chatOnPhone(danJid)?.archived);

    const missing = await post('archive', { archive: false });
    expect([missing.status, missing.body.error.message]).toEqual([400, 'Number is required']);
    const invalid = await post('archive', { number: DAN.number, archive: 'yes' });
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(invalid.body.error.message).toMatch(/^Invalid request body: /);
    const badJid = await post('archive', { number: 'x@nowhere', archive: false });
    expect(badJid.status).toBe(400);
    // D13: the number is checked with WhatsApp first; one without an account changes nothing.
    const absent = await post('archive', { number: '5511955509999', archive: false });
    expect([absent.status, absent.body.error?.code]).toEqual([400, 'NUMBER_NOT_ON_WHATSAPP']);
    expect(chatOnPhone(danJid)?.archived).toBe(true);

    const un = await post('archive', { number: DAN.number, archive: false });
    expect([un.status, un.body.message, un.body.archived]).toEqual([
      200,
      'Chat unarchived successfully',
      false,
    ]);
    await waitUntil(
      'the phone to see the chat unarchived',
      () => chatOnPhone(danJid)?.archived === false,
    );

    // A mobile number written without its 9th digit (D13): WhatsApp names the chat that exists.
    const short = await post('archive', { number: '551187650001', archive: true });
    expect([short.status, short.body.chat_jid]).toEqual([200, `${NINE}@s.whatsapp.net`]);
    await waitUntil(
      'the phone to see the 9th-digit chat archived',
      () => chatOnPhone(`${NINE}@s.whatsapp.net`)?.archived,
    );
  });

  it('markChatRead: unread then read on the phone', async () => {
    const unread = await post('markChatRead', { number: DAN.number, read: false });
    expect([unread.status, unread.body]).toEqual([
      200,
      {
        success: true,
        message: 'Chat marked as unread successfully',
        chat_jid: danJid,
        read: false,
      },
    ]);
    await waitUntil('the phone to see the chat unread', () => chatOnPhone(danJid)?.unread === true);
    const read = await post('markChatRead', { number: DAN.number, read: true });
    expect(read.body.message).toBe('Chat marked as read successfully');
    await waitUntil('the phone to see the chat read', () => chatOnPhone(danJid)?.unread === false);
  });

  it('mute: 8 hours, always, unmute on the phone; an unknown duration is refused', async () => {
    const before = Date.now();
    const eight = await post('mute', { number: DAN.number, mute: true, duration: '8h' });
    expect([eight.status, eight.body]).toEqual([
      200,
      { success: true, message: 'Chat muted for 8 hours', muted: true, duration: 28800 },
    ]);
    const end = await waitUntil(
      'the phone to see the mute',
      () => chatOnPhone(danJid)?.muteEndTime,
    );
    expect(end).toBeGreaterThanOrEqual(before + 28_800_000);
    expect(end).toBeLessThan(Date.now() + 28_800_000 + 1000);

    const bad = await post('mute', { number: DAN.number, mute: true, duration: 'soon' });
    expect([bad.status, bad.body.error.message]).toEqual([400, 'Invalid duration: soon']);
    expect(chatOnPhone(danJid)?.muteEndTime).toBe(end);

    const always = await post('mute', { number: DAN.number, mute: true, duration: 'forever' });
    expect([always.body.message, always.body.duration]).toEqual(['Chat muted permanently', 0]);
    await waitUntil(
      'the phone to see the chat muted always',
      () => chatOnPhone(danJid)?.muteEndTime === -1,
    );
    const week = await post('mute', { number: DAN.number, duration: '1 week' });
    expect([week.body.message, week.body.duration]).toEqual(['Chat muted for 1 week', 604800]);
    const off = await post('mute', { number: DAN.number, mute: false, duration: '8h' });
    expect(off.body).toEqual({
      success: true,
      message: 'Chat notifications unmuted successfully',
      muted: false,
      duration: 0,
    });
    await waitUntil(
      'the phone to see the chat unmuted',
      () => chatOnPhone(danJid)?.muteEndTime === null,
    );
  });

  it('pin: the phone sees pinned chats; a fourth is refused before WhatsApp; unpin', async () => {
    const chats = [DAN.number, EVE.number, '5511955500003'];
    for (const number of chats) {
      const res = await post('pin', { number, pin: true });
      expect([res.status, res.body.message, res.body.pinned]).toEqual([
        200,
        'Chat pinned successfully',
        true,
      ]);
    }
    await waitUntil('the phone to see three pinned chats', () =>
      chats.every((number) => chatOnPhone(`${number}@s.whatsapp.net`)?.pinned),
    );
    const fourth = await post('pin', { number: '5511955500004', pin: true });
    expect([fourth.status, fourth.body.error]).toEqual([
      409,
      { message: 'You can only pin up to 3 chats', code: 'PIN_LIMIT_REACHED' },
    ]);
    expect(chatOnPhone('5511955500004@s.whatsapp.net')?.pinned ?? null).toBeNull();
    const again = await post('pin', { number: DAN.number, pin: true });
    expect(again.status).toBe(200);
    for (const number of chats) {
      const res = await post('pin', { number, pin: false });
      expect(res.body.message).toBe('Chat unpinned successfully');
    }
    await waitUntil('the phone to see no pinned chat', () =>
      chats.every((number) => chatOnPhone(`${number}@s.whatsapp.net`)?.pinned === null),
    );
  });

  it('deleteChat: the phone sees the chat deleted; deleteMedia deletes the stored media', async () => {
    const ownJid = `${OWN}@s.whatsapp.net`;
    const { messageId } = await sandbox.sendMessage(EVE.number, {
      to: ownJid,
      document: {
        data: Buffer.from('%PDF-1.4\nfrom eve').toString('base64'),
        mimetype: 'application/pdf',
        fileName: 'eve.pdf',
      },
    });
    await waitUntil(
      'Wharf to store Eve’s document',
      async () =>
        (await api.get(`/api/chat/base64/state?messageId=${messageId}`, { token: ta })).status ===
        200,
    );
    const res = await api.delete('/api/chat/deleteChat/state', {
      token: ta,
      body: { number: EVE.number, deleteMedia: true },
    });
    expect([res.status, res.body]).toEqual([
      200,
      {
        success: true,
        message: 'Chat deleted successfully (including media)',
        chat_jid: eveJid,
        delete_media: true,
      },
    ]);
    await waitUntil('the phone to see the chat deleted', () => chatOnPhone(eveJid)?.deleted);
    const media = await api.get(`/api/chat/base64/state?messageId=${messageId}`, { token: ta });
    expect(media.status).toBe(404);
    const missing = await api.delete('/api/chat/deleteChat/state', { token: ta, body: {} });
    expect([missing.status, missing.body.error.message]).toEqual([400, 'Number is required']);
  });

  it('tags: create, assign, list by label, unassign, delete — the phone sees each; label.update for each', async () => {
    const created = await post('tag', { name: '  VIP  ', color: 5 });
    expect([created.status, created.body]).toEqual([
      200,
      {
        success: true,
        message: 'Tag created successfully',
        tag: { id: '1', name: 'VIP', color: 5, type: 'CUSTOM', deleted: false },
      },
    ]);
    const second = await post('tag', { name: 'Support', color: 42 });
    expect(second.body.tag).toMatchObject({ id: '2', name: 'Support', color: 0 });
    await waitUntil('the phone to see both labels', () => {
      const labels = sandbox.labels(OWN);
      return (
        labels.some((l) => l.id === '1' && l.name === 'VIP' && l.color === 5 && !l.deleted) &&
        labels.some((l) => l.id === '2' && l.name === 'Support' && l.color === 0)
      );
    });
    const blank = await post('tag', { name: '   ' });
    expect([blank.status, blank.body.error.message]).toEqual([400, 'Tag name is required']);

    const assigned = await post('assignTag', { number: DAN.number, tagId: '1' });
    expect([assigned.status, assigned.body]).toEqual([
      200,
      { success: true, message: 'Tag assigned successfully', tag_id: '1', chat_jid: danJid },
    ]);
    expect((await post('assignTag', { number: DAN.number, tagId: '1' })).status).toBe(200);
    expect((await post('assignTag', { number: DAN.number, tagId: '2' })).status).toBe(200);
    await waitUntil('the phone to see both labels on the chat', () => {
      const labels = chatOnPhone(danJid)?.labels ?? [];
      return labels.includes('1') && labels.includes('2');
    });
    const unknown = await post('assignTag', { number: DAN.number, tagId: '99' });
    expect([unknown.status, unknown.body.error.message]).toEqual([404, 'Tag not found']);
    const noTag = await post('assignTag', { number: DAN.number });
    expect([noTag.status, noTag.body.error.message]).toEqual([400, 'tagId is required']);

    const byLabel = await api.get('/api/chat/contactsByLabel/state?labelNames=vip', { token: ta });
    expect(byLabel.body).toMatchObject({
      success: true,
      total_chats: 1,
      total_rows: 1,
      refreshed: false,
      filter_label_ids: ['1'],
    });
    expect(byLabel.body.chats[0]).toMatchObject({
      chat_jid: danJid,
      labels: [{ id: '1', name: 'VIP' }],
    });
    const all = await api.get('/api/chat/contactsByLabel/state', { token: ta });
    expect([all.body.total_chats, all.body.total_rows]).toEqual([1, 2]);

    const removed = await api.delete(`/api/chat/assignTag/state?number=${DAN.number}&tagId=2`, {
      token: ta,
    });
    expect([removed.status, removed.body]).toEqual([
      200,
      { success: true, message: 'Tag removed successfully', tag_id: '2', chat_jid: danJid },
    ]);
    await waitUntil(
      'the phone to see label 2 off the chat',
      () => !(chatOnPhone(danJid)?.labels ?? ['2']).includes('2'),
    );
    const noNumber = await api.delete('/api/chat/assignTag/state?tagId=2', { token: ta });
    expect(noNumber.body.error.message).toBe('number query parameter is required');

    const deleted = await api.delete('/api/chat/tag/state?tagId=2', { token: ta });
    expect([deleted.status, deleted.body]).toEqual([
      200,
      {
        success: true,
        message: 'Tag deleted successfully',
        tag: { id: '2', name: '', color: 0, type: '', deleted: true },
      },
    ]);
    await waitUntil(
      'the phone to see label 2 deleted',
      () => sandbox.labels(OWN).find((l) => l.id === '2')?.deleted,
    );
    const noId = await api.delete('/api/chat/tag/state', { token: ta });
    expect(noId.body.error.message).toBe('tagId query parameter is required');
    const gone = await api.delete('/api/chat/tag/state?tagId=2', { token: ta });
    expect([gone.status, gone.body.error.message]).toEqual([404, 'Tag not found']);
    const list = await api.get('/api/chat/tag/state', { token: ta });
    expect(list.body).toEqual({
      success: true,
      message: 'Tags retrieved successfully',
      tags: [{ id: '1', name: 'VIP', color: 5, type: 'CUSTOM', deleted: false }],
      total: 1,
    });
    // The next id never reuses a deleted one.
    const third = await post('tag', { name: 'Later' });
    expect(third.body.tag.id).toBe('3');

    const events = await waitUntil('label.update events', async () => {
      const all = await labelEvents();
      return all.some((e) => e.action === 'deleted' && e.labelId === '2') ? all : null;
    });
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labelId: '1', action: 'created', name: 'VIP' }),
        expect.objectContaining({ labelId: '1', action: 'assigned', chatJid: danJid }),
        expect.objectContaining({ labelId: '2', action: 'removed', chatJid: danJid }),
        expect.objectContaining({ labelId: '2', action: 'deleted' }),
      ]),
    );
    expect(events!.filter((e) => e.labelId === '1' && e.action === 'created')).toHaveLength(1);
  });

  it('the phone labels and archives, adds a contact: the list routes and label.update reflect it', async () => {
    await control(sandbox, `/phones/${OWN}/labels`, { id: '40', name: 'From phone', color: 3 });
    await control(sandbox, `/phones/${OWN}/labels/40/chats`, { chat: EVE.number, labeled: true });
    await control(sandbox, `/phones/${OWN}/contacts`, {
      number: DAN.number,
      fullName: 'Dan Brown',
    });
    const tags = await waitUntil('the phone’s label in Wharf', async () => {
      const res = await api.get('/api/chat/tag/state', { token: ta });
      return res.body.tags.some((t: any) => t.id === '40') ? res.body.tags : null;
    });
    expect(tags).toContainEqual({
      id: '40',
      name: 'From phone',
      color: 3,
      type: 'CUSTOM',
      deleted: false,
    });
    const byLabel = await waitUntil('the phone’s assignment in Wharf', async () => {
      const res = await api.get('/api/chat/contactsByLabel/state?labelIds=40', { token: ta });
      return res.body.total_chats === 1 ? res.body : null;
    });
    expect(byLabel.chats[0]).toMatchObject({ chat_jid: eveJid, labels: [{ id: '40' }] });
    await waitUntil('label.update of the phone’s label', async () =>
      (await labelEvents()).some(
        (e) => e.labelId === '40' && e.action === 'assigned' && e.chatJid === eveJid,
      ),
    );
    const contact = await waitUntil('the phone’s contact in Wharf', async () => {
      const res = await api.get(`/api/chat/contacts/state?number=${DAN.number}`, { token: ta });
      return res.body.contact?.found ? res.body.contact : null;
    });
    expect(contact).toMatchObject({
      jid: danJid,
      full_name: 'Dan Brown',
      first_name: 'Dan',
      phone_number: '5511*****0001',
    });
    const list = await api.get('/api/chat/contacts/state', { token: ta });
    expect(list.body.contacts).toContainEqual(
      expect.objectContaining({ jid: danJid, full_name: 'Dan Brown' }),
    );
    const nobody = await api.get('/api/chat/contacts/state?number=5511955509999', { token: ta });
    expect(nobody.body.contact).toMatchObject({
      jid: '5511955509999@s.whatsapp.net',
      found: false,
    });

    // The phone pins three chats: Wharf's pin count (kept from app state) refuses a fourth.
    const pinnedOnPhone = [DAN.number, EVE.number, '5511955500005'];
    for (const chat of pinnedOnPhone)
      await control(sandbox, `/phones/${OWN}/appstate`, { chat, mod: { pin: true } });
    await waitUntil('Wharf to store the phone’s three pins', async () => {
      const orm = await owner.orm();
      return (
        (await orm.em
          .fork()
          .count(ChatState, { instance: instanceId, pinnedAt: { $ne: null } })) === 3
      );
    });
    const fourth = await post('pin', { number: '5511955500006', pin: true });
    expect([fourth.status, fourth.body.error.code]).toEqual([409, 'PIN_LIMIT_REACHED']);
    await control(sandbox, `/phones/${OWN}/appstate`, { chat: DAN.number, mod: { archive: true } });
    await waitUntil('Wharf to store the phone’s archive', async () => {
      const orm = await owner.orm();
      return (await orm.em.fork().findOne(ChatState, { instance: instanceId, chatJid: danJid }))
        ?.archived;
    });
    for (const chat of pinnedOnPhone)
      await control(sandbox, `/phones/${OWN}/appstate`, { chat, mod: { pin: false } });

    // refresh: a sync runs (labels come from WhatsApp again), same answer.
    const refreshed = await api.get('/api/chat/contactsByLabel/state?labelIds=40&refresh=true', {
      token: ta,
    });
    expect([refreshed.status, refreshed.body.refreshed, refreshed.body.total_chats]).toEqual([
      200,
      true,
      1,
    ]);
  });

  it('favorite and delete of a stored message: starred and deleted for me on the phone; revoke reaches the counterpart', async () => {
    const sent = await api.post('/api/message/text/state', {
      token: ta,
      body: { number: DAN.number, message: 'keep this' },
    });
    expect(sent.status).toBe(200);
    const id = sent.body.messageId as string;
    await waitUntil('Dan to get the message', () =>
      sandbox.messages(DAN.number).messages.some((m) => m.id === id),
    );
    const fav = await post('favorite', { messageId: id, favorite: true });
    expect([fav.status, fav.body]).toEqual([
      200,
      {
        success: true,
        message: 'Message added to favorites successfully',
        type: 'message',
        message_id: id,
        chat_jid: danJid,
        favorite: true,
      },
    ]);
    await waitUntil('the phone to see the message starred', async () => {
      const res = await fetch(`${sandbox.controlUrl}/phones/${OWN}/starred`);
      return ((await res.json()) as any).starred.some((m: any) => m.messageId === id);
    });
    const chatFav = await post('favorite', { number: DAN.number, favorite: true });
    expect([chatFav.status, chatFav.body.error.code]).toEqual([501, 'NOT_SUPPORTED_BY_ENGINE']);
    const neither = await post('favorite', { favorite: true });
    expect([neither.status, neither.body.error.message]).toEqual([
      400,
      'Either number or messageId is required',
    ]);
    const unknownFav = await post('favorite', { messageId: 'NOPE' });
    expect([unknownFav.status, unknownFav.body.error.message]).toEqual([404, 'Message not found']);

    const forMe = await api.delete('/api/chat/delete/state', {
      token: ta,
      body: { messageId: id },
    });
    expect([forMe.status, forMe.body.delete_type]).toEqual([200, 'delete_for_me']);
    await waitUntil('the phone to see the message deleted for me', async () => {
      const res = await fetch(`${sandbox.controlUrl}/phones/${OWN}/starred`);
      return ((await res.json()) as any).deletedForMe.some((m: any) => m.messageId === id);
    });
    expect(sandbox.messages(DAN.number).messages.some((m) => m.type === 'revoke')).toBe(false);

    const revoke = await api.delete('/api/chat/delete/state', {
      token: ta,
      body: { messageId: id, deleteForEveryone: true },
    });
    expect([revoke.status, revoke.body.message, revoke.body.delete_type]).toEqual([
      200,
      'Message deleted for everyone',
      'revoke',
    ]);
    await waitUntil('the message_revoke event of the revoke', async () =>
      (await allEvents(owner, instanceId)).some(
        (e) =>
          e.event === 'message.exchange' &&
          (e.data as any).message?.type === 'message_revoke' &&
          JSON.stringify(e.data).includes(id),
      ),
    );
    await waitUntil('Dan to see the revoke', () =>
      sandbox
        .messages(DAN.number)
        .messages.some((m) => m.type === 'revoke' && m.revoke?.messageId === id),
    );
    const unknown = await api.delete('/api/chat/delete/state', {
      token: ta,
      body: { messageId: 'NOPE' },
    });
    expect([unknown.status, unknown.body.error.message]).toEqual([404, 'message not found']);
    const noId = await api.delete('/api/chat/delete/state', { token: ta, body: {} });
    expect([noId.status, noId.body.error.message]).toEqual([400, 'MessageID is required']);
  });

  it('through the process that does not own the session: chats.archive and labels.edit reach the phone', async () => {
    const res = await otherApi.post('/api/chat/archive/state', {
      token: ta,
      body: { number: EVE.number, archive: true },
    });
    expect([res.status, res.body.archived]).toEqual([200, true]);
    await waitUntil('the phone to see Eve archived', () => chatOnPhone(eveJid)?.archived);
    const tag = await otherApi.post('/api/chat/tag/state', {
      token: ta,
      body: { name: 'Remote', color: 1 },
    });
    expect(tag.status).toBe(200);
    await waitUntil('the phone to see the remote label', () =>
      sandbox.labels(OWN).some((l) => l.name === 'Remote' && l.color === 1),
    );
  });

  it('the phone never shared its app-state key: writes answer 503 within the bound; after share-key they work', async () => {
    const KEYLESS = '5511955500010';
    sandbox.createPhone(KEYLESS, 'Keyless');
    await control(sandbox, `/phones/${KEYLESS}/appstate/key-share`, { enabled: false });
    await createInstance(owner, ta, 'keyless');
    await linkByQr(api, sandbox, ta, 'keyless', KEYLESS);
    const started = Date.now();
    const res = await api.post('/api/chat/archive/keyless', {
      token: ta,
      body: { number: DAN.number, archive: true },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect([res.status, res.body.error]).toEqual([
      503,
      {
        message: 'WhatsApp app state is not synced yet, try again in a few seconds',
        code: 'APP_STATE_NOT_READY',
      },
    ]);
    expect(sandbox.chats(KEYLESS).find((c) => c.jid === danJid)?.archived ?? false).toBe(false);
    await control(sandbox, `/phones/${KEYLESS}/appstate/share-key`, {});
    const after = await waitUntil(
      'the archive to work once the key is shared',
      async () => {
        const again = await api.post('/api/chat/archive/keyless', {
          token: ta,
          body: { number: DAN.number, archive: true },
        });
        return again.status === 200 ? again : null;
      },
      20_000,
      500,
    );
    expect(after!.body.archived).toBe(true);
    await waitUntil(
      'the keyless phone to see the chat archived',
      () => sandbox.chats(KEYLESS).find((c) => c.jid === danJid)?.archived,
    );
  });

  it('answers 503 once the instance is not connected; a logout forgets the app state kept', async () => {
    await waitUntil('the keyless instance to have a chat state', async () => {
      const orm = await owner.orm();
      return (await orm.em.fork().count(ChatState, { instance: { name: 'keyless' } })) > 0;
    });
    const logout = await api.delete('/api/instance/logout/keyless', { token: ta });
    expect(logout.status).toBe(200);
    await waitUntil('the keyless instance’s chat state to be forgotten', async () => {
      const orm = await owner.orm();
      return (await orm.em.fork().count(ChatState, { instance: { name: 'keyless' } })) === 0;
    });
    const refresh = await api.get('/api/chat/contactsByLabel/keyless?refresh=true', { token: ta });
    expect([refresh.status, refresh.body.error?.code]).toEqual([503, 'INSTANCE_NOT_CONNECTED']);
    const stored = await api.get('/api/chat/contactsByLabel/keyless', { token: ta });
    expect([stored.status, stored.body.total_chats, stored.body.refreshed]).toEqual([
      200,
      0,
      false,
    ]);
    const res = await api.post('/api/chat/pin/keyless', {
      token: ta,
      body: { number: DAN.number },
    });
    expect([res.status, res.body.error]).toEqual([
      503,
      { message: 'Instance is not connected to WhatsApp', code: 'INSTANCE_NOT_CONNECTED' },
    ]);
  });
});
