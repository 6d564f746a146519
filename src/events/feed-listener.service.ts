import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { FEED_CHANNEL } from './events.repository';
import { FeedTail } from './feed-tail';
import { FeedWaiters } from './feed-waiters';

const RECONNECT_DELAY_MS = 1000;

/**
 * One dedicated connection per process, outside the pool (a pooled connection would lose its
 * LISTEN when handed back), that turns NOTIFY into wake-ups for parked long polls. NOTIFY is
 * only a hint: the feed is read from the table (or the tail filled from it), so a listener that
 * was down loses nothing; on reconnect the tail is cleared and every waiter re-reads.
 */
@Injectable()
export class FeedListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(FeedListener.name);
  private client?: Client;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly waiters: FeedWaiters,
    private readonly tail: FeedTail,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      application_name: `inventory-listener-${this.config.instanceName}`,
    });
    this.client = client;
    client.on('notification', (message) => this.waiters.headAdvanced(Number(message.payload)));
    client.on('error', (error) => this.reconnect(client, error));
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${FEED_CHANNEL}`);
      // Notifications may have been missed while not listening: the tail refills from the table.
      this.tail.clear();
      this.waiters.wakeAll();
    } catch (error) {
      this.reconnect(client, error);
    }
  }

  /** Replaces a broken connection once (error and end may both fire), after a pause. */
  private reconnect(broken: Client, error?: unknown): void {
    if (this.stopped || broken !== this.client) return;
    this.client = undefined;
    if (error) this.logger.warn({ err: error }, 'Feed listener connection lost; reconnecting');
    broken.removeAllListeners();
    broken.on('error', () => undefined);
    void broken.end().catch(() => undefined);
    this.tail.clear();
    this.waiters.wakeAll();
    this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_DELAY_MS);
  }
}
