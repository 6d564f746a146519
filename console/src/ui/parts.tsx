import type { ComponentChildren } from 'preact';
import type { Me } from '../api/clients';
import type { StreamState } from '../lib/event-stream';

export function Panel(props: {
  title: string;
  aside?: ComponentChildren;
  error?: string;
  testId?: string;
  children: ComponentChildren;
}) {
  return (
    <section class="panel" data-testid={props.testId}>
      <header>
        <h2>{props.title}</h2>
        {props.aside}
      </header>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      {props.children}
    </section>
  );
}

export function Badge(props: { tone: string; children: ComponentChildren }) {
  return <span class={`badge badge-${props.tone}`}>{props.children}</span>;
}

/** Whether the page is live: the stream's state, in words. */
export function StreamBadge({ state }: { state: StreamState }) {
  switch (state.state) {
    case 'open':
      return <Badge tone="ok">live</Badge>;
    case 'connecting':
      return <Badge tone="sending">connecting…</Badge>;
    case 'reconnecting':
      return (
        <Badge tone="low">
          reconnecting in {Math.ceil(state.inMs / 1000)} s ({state.reason})
        </Badge>
      );
    case 'refused':
      return <Badge tone="out">stream refused (HTTP {state.status})</Badge>;
  }
}

/** The top bar of both consoles: which node, which key, and the way out. */
export function TopBar(props: {
  me: Me;
  title: string;
  stream: StreamState;
  onSignOut: () => void;
}) {
  return (
    <header class="topbar">
      <h1>{props.title}</h1>
      <StreamBadge state={props.stream} />
      <nav>
        <a href="/docs" target="_blank" rel="noreferrer">
          Swagger UI
        </a>
        <a href="/metrics" target="_blank" rel="noreferrer">
          Metrics
        </a>
        <span class="who">
          {props.me.role} key <code>{props.me.keyId}</code>
        </span>
        <button type="button" onClick={props.onSignOut}>
          Change key
        </button>
      </nav>
    </header>
  );
}

export const Empty = ({ children }: { children: ComponentChildren }) => (
  <p class="empty">{children}</p>
);
