import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work';
import type { StoreRow } from '../database/table-rows';

const COLUMNS = 'id, name, created_at, last_heartbeat_at, replica_offset';

@Injectable()
export class StoresRepository {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Returns the new store, or undefined when the id is taken. */
  async insert(tx: EntityManager, storeId: string, name: string): Promise<StoreRow | undefined> {
    const rows: StoreRow[] = await tx.query(
      `INSERT INTO stores (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
      [storeId, name],
    );
    return rows[0];
  }

  async exists(storeId: string): Promise<boolean> {
    const rows: unknown[] = await this.unitOfWork.manager.query(
      `SELECT 1 FROM stores WHERE id = $1`,
      [storeId],
    );
    return rows.length === 1;
  }
}
