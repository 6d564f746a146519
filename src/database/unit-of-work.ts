import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** Runs work in one database transaction; repositories receive the transaction's manager. */
@Injectable()
export class UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Runs `work` inside `tx` under a savepoint: when it throws, what it did is undone and the
   * transaction can go on (and commit what was done before the savepoint).
   */
  async undoable<T>(tx: EntityManager, work: () => Promise<T>): Promise<T> {
    await tx.query('SAVEPOINT undoable');
    try {
      return await work();
    } catch (error) {
      try {
        await tx.query('ROLLBACK TO SAVEPOINT undoable');
      } catch {
        // The connection is gone (the transaction with it): `error` says why, not this.
        throw error;
      }
      throw error;
    }
  }

  /** For reads and single statements that need no explicit transaction. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }
}
