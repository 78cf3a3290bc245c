#!/usr/bin/env bash
# The relay's OpenAPI contract (openapi/relay.yaml) exercised by an independent client:
# schemathesis (PyPI, in a venv under target/) generates requests for every operation and
# checks status codes, content types and response schemas against the document, on a relay
# started here with SQLite and one clinic.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/target/venv-schemathesis
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis>=4,<5'
fi
cargo build -q --features cli,agent,relay --bin onshi
ONSHI=$ROOT/target/debug/onshi
WORK=$(mktemp -d)
cleanup() { [ -n "${RELAY_PID:-}" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
DB="sqlite://$WORK/relay.db"
KEY=$("$ONSHI" relay add-clinic --db "$DB" --id c1 --name 見本医院 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
ONSHI_ADMIN_TOKEN=admin "$ONSHI" relay serve --db "$DB" --listen 127.0.0.1:0 --emr-rate 100000 --max-wait-secs 1 \
  > "$WORK/relay.out" 2> "$WORK/relay.log" &
RELAY_PID=$!
for _ in $(seq 1 100); do grep -q listening "$WORK/relay.out" 2>/dev/null && break; sleep 0.1; done
ADDR=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["listening"])' "$WORK/relay.out")
echo "relay on $ADDR"
# The endless SSE stream and the WebSocket upgrade are exercised by the Rust tests.
# Run from the scratch folder: schemathesis keeps a cache in its working directory.
cd "$WORK"
"$VENV/bin/schemathesis" run "$ROOT/openapi/relay.yaml" --url "http://$ADDR" \
  -H "Authorization: Bearer $KEY" \
  --exclude-path /v1/events/stream --exclude-path /agent/v1/connect \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples 20 --request-timeout 20 --seed 1
