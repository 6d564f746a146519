import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared-statement';
import { UnitOfWork } from '../database/unit-of-work';

/** How far the replica has applied central's feed (the single replica_state row). */
export interface ReplicaState {
  appliedOffset: number | null;
  centralHead: number | null;
  lastAppliedAt: Date | null;
  bootstrappedAt: Date | null;
}

interface ReplicaStateRow {
  applied_offset: string | null;
  central_head: string | null;
  last_applied_at: Date | null;
  bootstrapped_at: Date | null;
}

const COLUMNS = 'applied_offset, central_head, last_applied_at, bootstrapped_at';

function toState(row: ReplicaStateRow): ReplicaState {
  return {
    appliedOffset: row.applied_offset === null ? null : Number(row.applied_offset),
    centralHead: row.central_head === null ? null : Number(row.central_head),
    lastAppliedAt: row.last_applied_at,
    bootstrappedAt: row.bootstrapped_at,
  };
}

@Injectable()
export class ReplicaStateRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async read(): Promise<ReplicaState> {
    const [row]: ReplicaStateRow[] = await this.unitOfWork.manager.query(
      `SELECT ${COLUMNS} FROM replica_state`,
    );
    return toState(row);
  }

  /**
   * Moves the offset from `from` to `to` and returns the new state, or undefined when the
   * replica is no longer at `from`. Run first in a page's transaction: its row lock queues the
   * page behind (or ahead of) a bootstrap, and the compare-and-set drops a page read before a
   * bootstrap replaced the replica, so the offset never moves backwards.
   */
  async advanceOffset(
    tx: EntityManager,
    from: number,
    to: number,
    centralHead: number,
  ): Promise<ReplicaState | undefined> {
    const rows = await runPrepared<ReplicaStateRow>(
      tx,
      {
        name: 'replica-advance-offset',
        text: `UPDATE replica_state SET applied_offset = $2, central_head = $3, last_applied_at = now()
               WHERE applied_offset = $1
               RETURNING ${COLUMNS}`,
      },
      [from, to, centralHead],
    );
    return rows[0] && toState(rows[0]);
  }

  /** Takes the state row's lock for a bootstrap, so pages wait until the new replica commits. */
  async lock(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT 1 FROM replica_state FOR UPDATE`);
  }

  async markBootstrapped(tx: EntityManager, offset: number): Promise<ReplicaState> {
    // A head learnt earlier may be ahead of the snapshot; keeping it keeps the lag honest.
    const [rows]: [ReplicaStateRow[], number] = await tx.query(
      `UPDATE replica_state
       SET applied_offset = $1, central_head = greatest(central_head, $1),
           last_applied_at = now(), bootstrapped_at = now()
       RETURNING ${COLUMNS}`,
      [offset],
    );
    return toState(rows[0]);
  }
}
