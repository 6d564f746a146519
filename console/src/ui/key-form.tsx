import { useState } from 'preact/hooks';

/** Asks for the API key; the page keeps it in session storage, the server never embeds one. */
export function KeyForm(props: {
  problem?: string;
  /** The key kept from before, when the node could not check it (not when it refused it). */
  initialKey?: string;
  onKey: (key: string) => void;
}) {
  const [key, setKey] = useState(props.initialKey ?? '');
  return (
    <main class="key-form">
      <h1>Inventory console</h1>
      {props.problem && (
        <p class="error" role="alert" data-testid="key-problem">
          {props.problem}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) props.onKey(key.trim());
        }}
      >
        <label>
          API key
          <input
            name="api-key"
            type="password"
            autoComplete="off"
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
        </label>
        <button type="submit">Open the console</button>
      </form>
      <p class="hint">
        The key is kept in this tab only (session storage) and sent as <code>X-API-Key</code>. In
        <code>npm run demo</code>: <code>dev-admin-key</code> may do everything,{' '}
        <code>dev-client-key</code> reads and sells.
      </p>
    </main>
  );
}
