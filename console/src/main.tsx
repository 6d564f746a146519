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

/**
 * One page for both kinds of node: it asks the node who the key is (GET /v1/me) and shows the
 * console of the node that answered, offering only what the key may do.
 */
function App() {
  const [key, setKey] = useState(keys.get());
  const [me, setMe] = useState<Me>();
  const [problem, setProblem] = useState<string>();
  // GET /v1/me is the same on both nodes: central's document types it.
  const client = useMemo(() => apiClient<CentralPaths>(() => keys.get()), []);

  useEffect(() => {
    if (!key) return;
    client
      .GET('/v1/me')
      .then(({ data, error, response }) => {
        if (data) return setMe(data);
        keys.clear();
        setProblem(
          response.status === 401
            ? `This node refused the key (${problemText(error, response)}). Check it and enter it again.`
            : `The node could not say who this key is (${problemText(error, response)}).`,
        );
      })
      .catch((error: Error) => setProblem(`The node did not answer: ${error.message}`));
  }, [client, key]);

  const signOut = () => {
    keys.clear();
    setMe(undefined);
    setKey(undefined);
  };

  if (!key || problem) {
    return (
      <KeyForm
        problem={problem}
        onKey={(entered) => {
          keys.set(entered);
          setProblem(undefined);
          setMe(undefined);
          setKey(entered);
        }}
      />
    );
  }
  if (!me) return <p class="loading">Checking the key…</p>;
  const apiKey = () => keys.get();
  return me.node.kind === 'central' ? (
    <CentralConsole me={me} apiKey={apiKey} onSignOut={signOut} />
  ) : (
    <StoreConsole me={me} apiKey={apiKey} onSignOut={signOut} />
  );
}

render(<App />, document.getElementById('app')!);
