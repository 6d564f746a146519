import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Reader<T> {
  value?: T;
  error?: string;
  /** When the read that gave `value` started: what it shows is at least this recent. */
  readAt?: number;
  /** Reads again soon: at most one read per `throttleMs`, however many calls. */
  reload: () => void;
}

export interface ReaderOptions {
  /** Also read on this beat, for what no stream announces (heartbeat ages, lag in seconds). */
  everyMs?: number;
  /** The least time between two reads that `reload()` asks for. */
  throttleMs?: number;
}

const THROTTLE_MS = 150;
/** A failed read is tried again after this, whether or not anything asks for it. */
const RETRY_AFTER_ERROR_MS = 5000;

/**
 * The state of one GET shown by a panel: read at mount, again on `reload()` (the panels call it
 * when their stream says something changed; a burst of calls is one read, and steady traffic
 * still reads every `throttleMs`), after a failure, and every `everyMs` if given.
 */
export function useReader<T>(read: () => Promise<T>, options: ReaderOptions = {}): Reader<T> {
  const { everyMs, throttleMs = THROTTLE_MS } = options;
  const [state, setState] = useState<{ value?: T; error?: string; readAt?: number }>({});
  const latestRead = useRef(read);
  latestRead.current = read;
  const running = useRef(false);
  const again = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const run = useCallback(async () => {
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    try {
      do {
        again.current = false;
        const readAt = Date.now();
        try {
          setState({ value: await latestRead.current(), readAt });
        } catch (error) {
          setState((previous) => ({ ...previous, error: messageOf(error) }));
          schedule(RETRY_AFTER_ERROR_MS);
        }
      } while (again.current);
    } finally {
      running.current = false;
    }
  }, []);

  /** One pending read at a time: a call while one is scheduled joins it. */
  const schedule = useCallback(
    (ms: number) => {
      if (timer.current !== undefined) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        void run();
      }, ms);
    },
    [run],
  );

  const reload = useCallback(() => schedule(throttleMs), [schedule, throttleMs]);

  useEffect(() => {
    void run();
    const interval = everyMs ? setInterval(() => void run(), everyMs) : undefined;
    return () => {
      clearInterval(interval);
      clearTimeout(timer.current);
    };
  }, [run, everyMs]);

  return { ...state, reload };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
