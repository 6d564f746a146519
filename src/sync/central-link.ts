import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter, once, setMaxListeners } from 'node:events';
import { CentralUnavailableError, linkCutError } from './sync.errors';

const RESTORED = 'restored';

/**
 * The store's link to central: whether it may be used at all (fault injection can cut it) and
 * whether central answered lately. Cutting the link aborts every request in flight, so a cut
 * takes effect at once, not when the current long poll ends.
 */
@Injectable()
export class CentralLink {
  private readonly logger = new Logger(CentralLink.name);
  private readonly events = new EventEmitter();
  private connection = sharedController();
  private cut = false;
  private answering = true;
  private lastAnswerAt: Date | null = null;

  get online(): boolean {
    return !this.cut;
  }

  /** Aborts when the link is cut; requests to central listen to it. */
  get signal(): AbortSignal {
    return this.connection.signal;
  }

  get lastContactAt(): Date | null {
    return this.lastAnswerAt;
  }

  /** Whether central answered the last request that finished (any status counts as an answer). */
  get reachable(): boolean {
    return this.answering && this.lastAnswerAt !== null;
  }

  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.cut = !online;
    if (this.cut) {
      this.connection.abort();
      this.logger.warn('Link to central cut: no sync, heartbeats or forwarded writes');
      return;
    }
    this.connection = sharedController();
    this.logger.log('Link to central restored');
    this.events.emit(RESTORED);
  }

  assertOnline(): void {
    if (this.cut) throw linkCutError();
  }

  /** Resolves once the link is usable; rejects when `signal` aborts first. */
  async whenOnline(signal: AbortSignal): Promise<void> {
    if (!this.cut) return;
    await once(this.events, RESTORED, { signal });
  }

  onRestored(listener: () => void): void {
    this.events.on(RESTORED, listener);
  }

  offRestored(listener: () => void): void {
    this.events.off(RESTORED, listener);
  }

  recordAnswer(): void {
    this.lastAnswerAt = new Date();
    if (!this.answering) this.logger.log('Central answers again');
    this.answering = true;
  }

  recordNoAnswer(error: CentralUnavailableError): void {
    if (this.answering) this.logger.warn(`Central stopped answering: ${error.message}`);
    this.answering = false;
  }
}

/** Every request in flight listens to the link's signal: as many listeners as requests. */
function sharedController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
