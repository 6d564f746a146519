import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** One committed change of the replica's offset: a page of the feed, or a snapshot. */
export type AppliedStep =
  { kind: 'page'; from: number; to: number; offsets: number[] } | { kind: 'snapshot'; to: number };

/** The replica_apply_log table (its migration says what it is for). */
@Injectable()
export class ReplicaApplyLogRepository {
  /** Written in the step's own transaction, so the log holds exactly what committed. */
  async record(tx: EntityManager, step: AppliedStep): Promise<void> {
    await tx.query(
      `INSERT INTO replica_apply_log (kind, from_offset, to_offset, event_offsets)
       VALUES ($1, $2, $3, $4)`,
      step.kind === 'page'
        ? [step.kind, step.from, step.to, step.offsets]
        : [step.kind, null, step.to, []],
    );
  }
}
