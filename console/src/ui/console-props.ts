import type { Me } from '../api/clients';

/** What the page gives either console: who the key is, the key itself, and the ways out. */
export interface ConsoleProps {
  me: Me;
  apiKey: () => string | undefined;
  onSignOut: () => void;
  /** The node stopped accepting the key (revoked, or the node was restarted with others). */
  onKeyRefused: () => void;
}
