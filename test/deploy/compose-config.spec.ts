/**
 * docker-compose.yml checked without Docker: every app node is given an environment the app's
 * own config loader accepts (a misspelt variable or a bad value fails here, not at `up`), the
 * databases are laid out as the architecture needs, and Prometheus scrapes every node.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { storeIds } from '../../scripts/seed';
import { AppConfig, ENV_NAME_OF } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/config.loader';

const REPO = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(REPO, file), 'utf8');

interface Service {
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
}

/** .env.example read as compose reads a .env: NAME=value lines, # comments. */
function dotenv(text: string): Map<string, string> {
  const lines = text.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
  return new Map(lines.map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

const INTERPOLATION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const ENV_FILE = dotenv(read('.env.example'));

/** Compose's `${VAR:-default}` and `$$`, with .env.example as the .env. */
function interpolate(text: string): string {
  return text.replace(INTERPOLATION, (match, name?: string, fallback?: string) => {
    if (match === '$$') return '$';
    const value = ENV_FILE.get(name!) ?? fallback;
    if (value === undefined) throw new Error(`${name} has neither a default nor a value`);
    return value;
  });
}

/** Every string in a parsed YAML document (compose interpolates values, never comments). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(strings);
}

/** Applies `change` to every string of a parsed YAML document. */
function mapStrings(value: unknown, change: (text: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, change));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, mapStrings(item, change)]),
  );
}

const rawCompose: unknown = parse(read('docker-compose.yml'), { merge: true });
const compose = mapStrings(rawCompose, interpolate) as { services: Record<string, Service> };
const services = Object.entries(compose.services);

function environmentOf(name: string): Record<string, string> {
  const environment = compose.services[name].environment ?? {};
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, `${value}`]));
}

/** The services running the app image; the seed job runs it too, with another command. */
const appServices = services.filter(([, service]) => service.build !== undefined);
const seedName = appServices.find(([, s]) => s.command?.includes('dist/scripts/seed.js'))?.[0];
const nodes = appServices.map(([name]) => name).filter((name) => name !== seedName);
const config = (name: string): AppConfig => loadConfig(environmentOf(name));
// By the MODE they are given, so one node's bad settings fail its own tests, not the file.
const centrals = nodes.filter((name) => environmentOf(name).MODE === 'central');
const stores = nodes.filter((name) => environmentOf(name).MODE === 'store');

describe('docker-compose.yml', () => {
  it('runs two central instances and three stores, and a seed job', () => {
    expect(centrals).toEqual(['central-1', 'central-2']);
    expect(stores).toEqual(['store-s1', 'store-s2', 'store-s3']);
    expect(seedName).toBe('seed');
  });

  it.each(nodes)('gives %s only variables the app reads', (name) => {
    const known = new Set(ENV_NAME_OF.values());
    const unknown = Object.keys(environmentOf(name)).filter((variable) => !known.has(variable));
    expect(unknown).toEqual([]);
  });

  it.each(nodes)("gives %s values the app's config loader accepts", (name) => {
    expect(() => config(name)).not.toThrow();
  });

  it('has both centrals share one database and one Redis', () => {
    const [first, second] = centrals.map(environmentOf);
    expect(second.DATABASE_URL).toBe(first.DATABASE_URL);
    expect(first.REDIS_URL).toBeDefined();
    expect(second.REDIS_URL).toBe(first.REDIS_URL);
  });

  it('gives each store a database of its own', () => {
    const urls = [centrals[0], ...stores].map((name) => config(name).databaseUrl);
    expect(new Set(urls).size).toBe(urls.length);
  });

  it('creates every database a node connects to in the postgres init scripts', () => {
    const folder = join(REPO, 'docker/postgres/init');
    const sql = readdirSync(folder)
      .map((file) => readFileSync(join(folder, file), 'utf8'))
      .join('\n');
    for (const name of nodes) {
      const database = new URL(config(name).databaseUrl!).pathname.slice(1);
      expect(sql).toContain(`CREATE DATABASE ${database};`);
    }
  });

  it.each(stores)(
    "authenticates %s at central with the key central's STORE_API_KEYS give it",
    (name) => {
      const store = config(name);
      expect(config(centrals[0]).storeApiKeys).toContain(`${store.storeId}:${store.centralApiKey}`);
      expect(store.centralUrl).toBe('http://balancer:8081');
    },
  );

  it('seeds through the balancer with an admin key, the stores that run', () => {
    const seed = environmentOf(seedName!);
    const readBySeed = new Set(
      [...read('scripts/seed.ts').matchAll(/env\.(SEED_\w+)/g)].map((m) => m[1]),
    );
    expect(Object.keys(seed).filter((variable) => !readBySeed.has(variable))).toEqual([]);
    expect(config(centrals[0]).adminApiKeys).toContain(seed.SEED_ADMIN_KEY);
    expect(seed.SEED_URL).toBe(config(stores[0]).centralUrl);
    expect(storeIds(Number(seed.SEED_STORES))).toEqual(stores.map((name) => config(name).storeId));
  });

  it('puts each central instance behind the balancer at the port it listens on', () => {
    const haproxy = read('docker/haproxy/haproxy.cfg');
    for (const name of centrals) {
      expect(haproxy).toMatch(
        new RegExp(`^\\s*server ${name} ${name}:${config(name).httpPort}$`, 'm'),
      );
    }
  });

  it('has Prometheus scrape every node under its mode as job', () => {
    const prometheus = parse(read('prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const jobOf = new Map(
      prometheus.scrape_configs.flatMap((job) =>
        job.static_configs.flatMap((group) =>
          group.targets.map((target) => [target, job.job_name]),
        ),
      ),
    );
    for (const name of nodes) {
      const node = config(name);
      expect([name, jobOf.get(`${name}:${node.httpPort}`)]).toEqual([name, node.mode]);
    }
  });

  it('lists every variable it uses in .env.example, with the same default', () => {
    for (const [, name, fallback] of strings(rawCompose).flatMap((text) => [
      ...text.matchAll(INTERPOLATION),
    ])) {
      if (name === undefined) continue;
      expect([name, ENV_FILE.get(name)]).toEqual([name, fallback]);
    }
  });
});
