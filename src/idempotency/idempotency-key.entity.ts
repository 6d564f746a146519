import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum IdempotencyStatus {
  InFlight = 'in_flight',
  Completed = 'completed',
}

/** A request's outcome, kept so a retry with the same key replays it instead of re-running it. */
@Entity('idempotency_keys')
export class IdempotencyKey {
  /** Keys are scoped per API key: two clients may use the same key independently. */
  @PrimaryColumn({ type: 'text' })
  actor: string;

  @PrimaryColumn({ type: 'text' })
  key: string;

  /** sha256 of method, path and body: the same key on a different request is refused. */
  @Column({ type: 'text' })
  fingerprint: string;

  @Column({ type: 'text' })
  status: IdempotencyStatus;

  @Column({ name: 'response_status', type: 'smallint', nullable: true })
  responseStatus: number | null;

  /** The exact bytes sent the first time, replayed byte for byte. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'locked_at', type: 'timestamptz' })
  lockedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
