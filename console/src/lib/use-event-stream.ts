import { useEffect, useRef, useState } from 'preact/hooks';
import {
  openEventStream,
  type StreamMessage,
  type StreamRequest,
  type StreamState,
} from './event-stream';

export interface StreamHandlers {
  onMessage: (message: StreamMessage) => void;
  /**
   * The panels should read afresh: the stream (re)opened, so what changed between their last
   * read and now may not come as a message (the first read and the stream race; a restart
   * from now skips what happened while it was down).
   */
  onResync: () => void;
}

/**
 * Keeps one server-sent event stream open while the component is mounted. `connect` makes the
 * request through the typed client (with the key); the stream reconnects by itself, resuming
 * after the last event id. The latest handlers are called, so they may close over state.
 */
export function useEventStream(
  connect: (request: StreamRequest) => Promise<Response>,
  handlers: StreamHandlers,
): StreamState {
  const [state, setState] = useState<StreamState>({ state: 'connecting' });
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const stream = openEventStream({
      connect,
      onMessage: (message) => latest.current.onMessage(message),
      onRestart: () => latest.current.onResync(),
      onState: (next) => {
        setState(next);
        if (next.state === 'open') latest.current.onResync();
      },
    });
    return () => stream.close();
  }, []); // one stream per mount: `connect` makes the same request whatever the render
  return state;
}
