import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';

/**
 * Runs `write` — a find-or-create of a one-per-instance row, then a flush, in `em` — and, when a
 * concurrent request inserted the same row between the find and the flush (a unique constraint
 * violation; the fuzz of issue 11 answered 500 for two first `POST /api/events/websocket` at
 * once), clears `em` and runs it once more: the find now sees the other request's row, so the
 * later request overwrites it, as if the two had come one after the other.
 * @throws whatever `write` throws the second time, or any other error the first time
 */
export async function retryAfterInsertRace<T>(
  em: EntityManager,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    em.clear();
    return write();
  }
}
