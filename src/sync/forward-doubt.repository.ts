import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';

/**
 * The forwarded writes whose outcome at central is in doubt, by the key central sees (the
 * forwards_in_doubt migration says why). Requests with one key are serialised by the store's
 * own idempotency claim, so a key's row is never raced.
 */
@Injectable()
export class ForwardDoubtRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Records that a write under `key` is about to leave; true if an earlier one was in doubt. */
  async recordSending(key: string): Promise<boolean> {
    const inserted: unknown[] = await this.unitOfWork.manager.query(
      `INSERT INTO forwards_in_doubt (central_key) VALUES ($1)
       ON CONFLICT (central_key) DO NOTHING RETURNING central_key`,
      [key],
    );
    return inserted.length === 0;
  }

  async isInDoubt(key: string): Promise<boolean> {
    const rows: unknown[] = await this.unitOfWork.manager.query(
      `SELECT 1 FROM forwards_in_doubt WHERE central_key = $1`,
      [key],
    );
    return rows.length > 0;
  }

  /** Central answered `key`: no attempt of it is in doubt any more. */
  async settle(key: string): Promise<void> {
    await this.unitOfWork.manager.query(`DELETE FROM forwards_in_doubt WHERE central_key = $1`, [
      key,
    ]);
  }
}
