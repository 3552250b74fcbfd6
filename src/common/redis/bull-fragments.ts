import type { Queue } from 'bull';

/**
 * Whether the job `jobId` is really in `queue`, deleting it when Redis holds only a fragment of it.
 *
 * A fragment is a job hash without its data. Bull leaves one when Redis loses its data (FLUSHALL,
 * a failover to an empty replica) between a worker's pop of the id and its `moveToActive` script:
 * that script's `HSET processedOn` recreates the hash alone, in no list, and Bull's completion
 * keeps it ("Missing key … moveToFinished"). While it exists Bull refuses to add the job again
 * (adds are deduplicated by job id), so the work it stood for would wait forever (D6, D14
 * "no loss"). `isWhole` tells a job's real data from the `{}` a fragment parses to.
 *
 * @returns `true` when a whole job exists (waiting, delayed, active, paused or kept after
 *   completion); `false` when there is none, including a fragment just deleted
 */
export async function holdsWholeJob<T>(
  queue: Queue<T>,
  jobId: string,
  isWhole: (data: Partial<T> | undefined) => boolean,
): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (job === null) return false;
  if (isWhole(job.data)) return true;
  await queue.client.del(queue.toKey(jobId));
  return false;
}
