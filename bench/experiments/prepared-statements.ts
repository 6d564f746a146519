/**
 * An experiment, not part of the harness. Preloaded into the app processes with
 *
 *   npm run build
 *   NODE_OPTIONS="--require ./dist/bench/experiments/prepared-statements.js" node dist/bench/run.js
 *
 * it turns every parameterised query into a named prepared statement of its connection, so
 * Postgres parses and plans each statement once per connection instead of on every call. It
 * measures what the prepared-statements proposal in docs/benchmarks.md would gain, before
 * anyone changes the app (the name is a hash of the text: one text, one statement).
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';

type Query = (this: Client, config: unknown, values?: unknown, callback?: unknown) => unknown;

const query = Client.prototype.query as Query;

(Client.prototype as { query: Query }).query = function (config, values, callback) {
  if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
    const name = `p${createHash('sha1').update(config).digest('hex').slice(0, 24)}`;
    return query.call(this, { name, text: config }, values, callback);
  }
  return query.call(this, config, values, callback);
};
