import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { apiClient, type Me, problemText } from './api/clients';
import type { paths as CentralPaths } from './api/central';
import { CentralConsole } from './central/central-console';
import { sessionKeyStore } from './lib/api-key';
import { StoreConsole } from './store/store-console';
import { KeyForm } from './ui/key-form';
import './styles.css';

const keys = sessionKeyStore(window.sessionStorage);
const REFUSED = 'This node refused the key';

/**
 * One page for both kinds of node: it asks the node who the key is (GET /v1/me) and shows the
 * console of the node that answered, offering only what the key may do.
 */
function App() {
  const [key, setKey] = useState(keys.get());
  const [me, setMe] = useState<Me>();
  const [problem, setProblem] = useState<string>();
  /** Counts the times a key was entered: the same key entered again is asked about again. */
  const [entries, setEntries] = useState(0);
  // GET /v1/me is the same on both nodes: central's document types it.
  const client = useMemo(() => apiClient<CentralPaths>(() => keys.get()), []);

  /** Back to the key form; the stored key is forgotten only when the node refused it. */
  const ask = (why: string, refused: boolean) => {
    if (refused) keys.clear();
    setMe(undefined);
    setProblem(why);
  };

  useEffect(() => {
    if (!key) return;
    client
      .GET('/v1/me')
      .then(({ data, error, response }) => {
        if (data) return setMe(data);
        const refused = response.status === 401;
        ask(
          refused
            ? `${REFUSED} (${problemText(error, response)}). Check it and enter it again.`
            : `The node could not say who this key is (${problemText(error, response)}); try again.`,
          refused,
        );
      })
      .catch((error: Error) => ask(`The node did not answer: ${error.message}`, false));
  }, [client, key, entries]);

  if (!key || problem || !me) {
    if (key && !problem) return <p class="loading">Checking the key…</p>;
    return (
      <KeyForm
        problem={problem}
        initialKey={keys.get()}
        onKey={(entered) => {
          keys.set(entered);
          setProblem(undefined);
          setKey(entered);
          setEntries(entries + 1);
        }}
      />
    );
  }
  const props = {
    me,
    apiKey: () => keys.get(),
    onSignOut: () => {
      keys.clear();
      setMe(undefined);
      setKey(undefined);
    },
    onKeyRefused: () => ask(`${REFUSED} now. Enter a valid key to go on.`, true),
  };
  return me.node.kind === 'central' ? <CentralConsole {...props} /> : <StoreConsole {...props} />;
}

render(<App />, document.getElementById('app')!);
