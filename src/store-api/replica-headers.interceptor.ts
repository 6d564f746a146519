import { CallHandler, ExecutionContext, Injectable, NestInterceptor, Type } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Observable } from 'rxjs';
import { SyncProgress } from '../sync/sync-progress';

export const REPLICA_OFFSET_HEADER = 'x-replica-offset';
export const REPLICA_STALENESS_HEADER = 'x-replica-staleness-ms';

/**
 * Tells every local read how fresh the replica is. Read before the query runs, so the answer
 * is at least as fresh as the headers claim.
 */
@Injectable()
export class ReplicaHeadersInterceptor implements NestInterceptor {
  constructor(private readonly progress: SyncProgress) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    writeReplicaHeaders(context.switchToHttp().getResponse<FastifyReply>(), this.progress);
    return next.handle();
  }
}

export function writeReplicaHeaders(reply: FastifyReply, progress: SyncProgress): void {
  const offset = progress.appliedOffset;
  const stalenessMs = progress.stalenessMs();
  if (offset !== null) void reply.header(REPLICA_OFFSET_HEADER, String(offset));
  if (stalenessMs !== null) void reply.header(REPLICA_STALENESS_HEADER, String(stalenessMs));
}

/** Documents a local read's body and its replica headers. */
export const ApiReplicaRead = (type: Type<unknown>, description: string) =>
  ApiOkResponse({
    type,
    description,
    headers: {
      'X-Replica-Offset': {
        description: 'The central feed offset the replica had applied when the read began.',
        schema: { type: 'integer', example: 1042 },
      },
      'X-Replica-Staleness-Ms': {
        description:
          'Milliseconds since central last confirmed the replica held every event; 0 while it is up to date and listening.',
        schema: { type: 'integer', example: 0 },
      },
    },
  });
