import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Reader<T> {
  value?: T;
  error?: string;
  /** Reads again soon; calls while a read runs coalesce into one more read after it. */
  reload: () => void;
}

/** Reads that fire together (a burst of stream messages) become one read after this pause. */
const COALESCE_MS = 150;

/**
 * The state of one GET shown by a panel: read at mount, again on `reload()` (the panels call it
 * when their stream says something changed), and every `everyMs` for what no stream announces
 * (heartbeat ages, lag in seconds).
 */
export function useReader<T>(read: () => Promise<T>, everyMs?: number): Reader<T> {
  const [state, setState] = useState<{ value?: T; error?: string }>({});
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
        try {
          setState({ value: await latestRead.current() });
        } catch (error) {
          setState((previous) => ({ ...previous, error: messageOf(error) }));
        }
      } while (again.current);
    } finally {
      running.current = false;
    }
  }, []);

  const reload = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void run(), COALESCE_MS);
  }, [run]);

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
