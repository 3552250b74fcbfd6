import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '@wharf/common/concurrency/keyed-mutex';

/**
 * Serialises read-modify-write of message status rows per instance (key: instance id). The send
 * pipeline (recording `sent`) and receipt ingestion (`delivered`/`read`/`played`) both rewrite
 * `status_times`; without this a receipt read before and written after the send's update erased
 * its `sent` time (a lost update seen on PostgreSQL). Both run in the session owner's process (D20).
 */
@Injectable()
export class MessageStatusLock extends KeyedMutex {}
