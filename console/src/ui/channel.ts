import { useEffect, useRef } from 'preact/hooks';

/** What one stream tells every panel that listens: one connection, many readers. */
export class Channel<T> {
  private readonly listeners = new Set<(value: T) => void>();

  publish(value: T): void {
    for (const listener of this.listeners) listener(value);
  }

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Calls the latest `listener` for each value published while the component is mounted. */
export function useChannel<T>(channel: Channel<T>, listener: (value: T) => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => channel.subscribe((value) => latest.current(value)), [channel]);
}
