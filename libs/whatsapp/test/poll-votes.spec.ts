import { createHash, randomBytes } from 'node:crypto';

import type { WAMessage } from 'baileys';

import { loadBaileys as loadSandboxBaileys } from '../../sandbox/src/baileys-loader';
import { buildPollVote } from '../../sandbox/src/poll-vote';
import { loadBaileys } from '../src/baileys/loader';
import { decryptPollVote } from '../src/baileys/poll-votes';

const OWN = '5511900000001@s.whatsapp.net';
const OWN_LID = '199789077627112@lid';
const VOTER = '5511900000002@s.whatsapp.net';
const VOTER_LID = '288888777766661@lid';

/** A stored (BufferJSON) copy of an engine message, like `Message.raw`. */
async function raw(message: WAMessage): Promise<Record<string, unknown>> {
  const b = await loadBaileys();
  return JSON.parse(JSON.stringify(message, b.BufferJSON.replacer)) as Record<string, unknown>;
}

describe('decryptPollVote (D7 pollUpdate, docs/API.md chat/poll)', () => {
  const secret = randomBytes(32);
  /** The poll as the instance stored it when it sent it. */
  const ownPoll: WAMessage = {
    key: { id: '3EB0POLL0001', remoteJid: VOTER, fromMe: true },
    message: {
      pollCreationMessageV3: {
        name: 'Which flavor?',
        options: [{ optionName: 'Chocolate' }, { optionName: 'Vanilla' }],
        selectableOptionsCount: 1,
      },
      messageContextInfo: { messageSecret: secret },
    },
  };
  /** The same poll as the voter's phone received it. */
  const received: WAMessage = {
    ...ownPoll,
    key: { id: '3EB0POLL0001', remoteJid: OWN, fromMe: false },
  };

  async function voteFor(options: string[]): Promise<WAMessage> {
    const sb = await loadSandboxBaileys();
    return {
      key: { id: '3EB0VOTE0001', remoteJid: VOTER_LID, remoteJidAlt: VOTER, fromMe: false },
      message: buildPollVote(sb, received, options, VOTER),
    };
  }

  it('decrypts a vote encrypted with phone-number JIDs although the key names the LID first', async () => {
    const vote = await voteFor(['Vanilla']);
    const result = await decryptPollVote({
      poll: await raw(ownPoll),
      vote: await raw(vote),
      ownJids: [OWN, OWN_LID],
    });
    expect(result).toEqual({
      selectedOptions: ['Vanilla'],
      selectedHashes: [createHash('sha256').update('Vanilla').digest('hex').toUpperCase()],
    });
  });

  it('reads bytes stored as base64 strings (proto toJSON of sent and received messages)', async () => {
    const b = await loadBaileys();
    const vote = await voteFor(['Chocolate']);
    const protoJson = (m: WAMessage) =>
      ({
        key: m.key,
        message: b.proto.Message.fromObject(m.message!).toJSON(),
      }) as Record<string, unknown>;
    expect(typeof (protoJson(ownPoll).message as any).messageContextInfo.messageSecret).toBe('string');
    const result = await decryptPollVote({
      poll: protoJson(ownPoll),
      vote: protoJson(vote),
      ownJids: [OWN],
    });
    expect(result?.selectedOptions).toEqual(['Chocolate']);
  });

  it('answers null when the poll has no secret or the voter is not who the vote names', async () => {
    const vote = await voteFor(['Chocolate']);
    const noSecret = { ...ownPoll, message: { ...ownPoll.message, messageContextInfo: {} } };
    expect(
      await decryptPollVote({ poll: await raw(noSecret), vote: await raw(vote), ownJids: [OWN] }),
    ).toBeNull();
    const impostor = {
      ...vote,
      key: { id: '3EB0VOTE0001', remoteJid: '5511900000009@s.whatsapp.net', fromMe: false },
    };
    expect(
      await decryptPollVote({ poll: await raw(ownPoll), vote: await raw(impostor), ownJids: [OWN] }),
    ).toBeNull();
  });
});
