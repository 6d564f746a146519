import { useEffect, useRef, useState } from 'preact/hooks';
import {
  openEventStream,
  type StreamMessage,
  type StreamRequest,
  type StreamState,
} from './event-stream';

/**
 * Keeps one server-sent event stream open while the component is mounted. `connect` makes the
 * request through the typed client (with the key); the stream reconnects by itself, resuming
 * after the last event id. The latest `onMessage` is called, so handlers may close over state.
 */
export function useEventStream(
  connect: (request: StreamRequest) => Promise<Response>,
  onMessage: (message: StreamMessage) => void,
): StreamState {
  const [state, setState] = useState<StreamState>({ state: 'connecting' });
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    const stream = openEventStream({
      connect,
      onMessage: (message) => handler.current(message),
      onState: setState,
    });
    return () => stream.close();
  }, []); // one stream per mount: `connect` makes the same request whatever the render
  return state;
}
