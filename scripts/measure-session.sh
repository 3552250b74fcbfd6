#!/usr/bin/env bash
# Rough session timings against the sandbox (not a benchmark; see bench/ for those):
# connect → QR latency, link → connected, and restart → connected again. Needs `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=$(mktemp -d); PREFIX="measure-$RANDOM:"; PORT=18180; CTRL=18191; WS=18190
cleanup() { kill "$SB" "$W" 2>/dev/null || true; rm -rf "$DIR"; redis-cli --scan --pattern "${PREFIX}*" | xargs -r redis-cli del >/dev/null; }
trap cleanup EXIT
ms() { date +%s%3N; }
SANDBOX_PORT=$WS SANDBOX_CONTROL_PORT=$CTRL SANDBOX_LOG_LEVEL=warn node dist/libs/sandbox/src/cli.js >/dev/null 2>&1 & SB=$!
start_wharf() { DATA_DIR=$DIR PORT=$PORT LOG_LEVEL=warn REDIS_KEY_PREFIX=$PREFIX WA_SANDBOX_URL=ws://127.0.0.1:$WS/ws/chat node dist/src/main.js >/dev/null 2>&1 & W=$!; }
wait_ready() { until curl -sf localhost:$PORT/health/ready >/dev/null; do sleep 0.05; done; }
status() { curl -s localhost:$PORT/api/instance/list -H "token: $TA" | node -pe 'JSON.parse(require("fs").readFileSync(0)).instances[0].status'; }
t0=$(ms); start_wharf; wait_ready; echo "cold start to /health/ready: $(( $(ms) - t0 )) ms"
ADMIN=$(cat "$DIR/admin-token"); B=localhost:$PORT
TA=$(curl -s -X POST $B/api/admin/accounts -H "token: $ADMIN" -H 'content-type: application/json' -d '{"name":"M"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).account.token')
curl -s -X POST $B/api/instance/new -H "token: $TA" -H 'content-type: application/json' -d '{"name":"m"}' >/dev/null
t0=$(ms); QR=$(curl -s $B/api/instance/connect/m -H "token: $TA" | node -pe 'JSON.parse(require("fs").readFileSync(0)).qrCode'); echo "connect → QR: $(( $(ms) - t0 )) ms"
curl -s -X POST localhost:$CTRL/phones -H 'content-type: application/json' -d '{"number":"5511900009999"}' >/dev/null
t0=$(ms); curl -s -X POST localhost:$CTRL/phones/5511900009999/link -H 'content-type: application/json' -d "{\"qr\":\"$QR\"}" >/dev/null
until [ "$(status)" = connected ]; do sleep 0.02; done; echo "link → connected: $(( $(ms) - t0 )) ms"
device() { curl -s localhost:$CTRL/phones | node -pe 'String(JSON.parse(require("fs").readFileSync(0))[0].devices[0].connected)'; }
kill -TERM $W; wait $W || true
until [ "$(device)" = false ]; do sleep 0.02; done
t0=$(ms); start_wharf; until [ "$(device)" = true ]; do sleep 0.02; done; echo "restart → socket connected again (no QR, as the sandbox sees it): $(( $(ms) - t0 )) ms"
