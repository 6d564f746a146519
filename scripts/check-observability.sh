#!/usr/bin/env bash
# npm run check:observability: the deployment files and every dashboard panel and alert rule,
# proven without Docker. Static: compose validates, Prometheus's config and rules load, the
# alerts' unit tests pass. Live: a real Prometheus scrapes `npm run demo -- --centrals 2` while
# traffic flows, and every panel's expression must answer with data (live-check.ts).
# Installs Debian's prometheus and docker-compose when they are missing (as root, with apt).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (Debian packages)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo '== docker-compose.yml'
docker-compose -f docker-compose.yml config -q
echo '== prometheus/prometheus.yml and prometheus/alerts.yml'
promtool check config prometheus/prometheus.yml
promtool test rules prometheus/alerts.test.yml
echo '== every panel against a live demo'
npm run build --silent
node dist/scripts/observability/live-check.js "$@"
