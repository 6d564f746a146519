import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('stores')
export class Store {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_heartbeat_at', type: 'timestamptz', nullable: true })
  lastHeartbeatAt: Date | null;

  /** The feed offset the store last reported having applied. */
  @Column({ name: 'replica_offset', type: 'bigint', nullable: true })
  replicaOffset: string | null;
}
