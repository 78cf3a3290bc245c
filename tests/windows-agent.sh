#!/usr/bin/env bash
# The Windows agent: cross-built for x86_64-pc-windows-gnu with mingw (rustls with ring,
# the windows-service crate), then — where Wine runs it — `onshi.exe agent enrol` and
# `onshi.exe agent run` as console programs under Wine against a Linux relay on loopback,
# until the relay reports the agent connected with the terminal's health.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
cargo build -q --target x86_64-pc-windows-gnu --features cli,agent --bin onshi
EXE=$ROOT/target/x86_64-pc-windows-gnu/debug/onshi.exe
[ -f "$EXE" ] || { echo "no $EXE"; exit 1; }
echo "cross-built $EXE ($(stat -c %s "$EXE") bytes)"

WINE=$(command -v wine64 || echo /usr/lib/wine/wine64)
if [ ! -x "$WINE" ]; then echo "wine64 not installed: cross-build only"; exit 0; fi
export WINEPREFIX="$ROOT/target/wine-prefix" WINEDEBUG=-all
if ! timeout 120 "$WINE" cmd /c exit 0 >/dev/null 2>&1; then
  echo "Wine cannot start programs here: cross-build only"; exit 0
fi

cargo build -q --features cli,agent,relay --bin onshi
ONSHI=$ROOT/target/debug/onshi
WORK=$(mktemp -d)
cleanup() {
  [ -n "${AGENT_PID:-}" ] && kill "$AGENT_PID" 2>/dev/null
  [ -n "${RELAY_PID:-}" ] && kill "$RELAY_PID" 2>/dev/null
  "$(dirname "$WINE")/wineserver64" -k 2>/dev/null || wineserver -k 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
DB="sqlite://$WORK/relay.db"
KEY=$("$ONSHI" relay add-clinic --db "$DB" --id win --name Windows医院 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_key"])')
CODE=$("$ONSHI" relay enrolment-code --db "$DB" --id win 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
"$ONSHI" relay serve --db "$DB" --listen 127.0.0.1:0 > "$WORK/relay.out" 2> "$WORK/relay.log" &
RELAY_PID=$!
for _ in $(seq 1 100); do grep -q listening "$WORK/relay.out" 2>/dev/null && break; sleep 0.1; done
ADDR=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["listening"])' "$WORK/relay.out")
mkdir -p "$WORK/state" "$WORK/terminal" "$WORK/win"
# Wine (Debian 12) lacks ProcessPrng, which Rust's std calls: the project's stub provides it
# (see bindings/run-tests.sh).
x86_64-w64-mingw32-gcc -shared -O2 -o "$WORK/win/bcryptprimitives.dll" bindings/c/windows/bcryptprimitives_stub.c -ladvapi32
cp "$EXE" "$WORK/win/onshi.exe"
EXE=$WORK/win/onshi.exe
timeout 120 "$WINE" "$EXE" agent enrol --relay "http://$ADDR" --code "$CODE" --state-dir "Z:$WORK/state"
timeout 120 "$WINE" "$EXE" agent run --state-dir "Z:$WORK/state" --terminal-root "Z:$WORK/terminal" \
  --create-folders --status-addr off --heartbeat-secs 1 > "$WORK/agent.out" 2> "$WORK/agent.log" &
AGENT_PID=$!
for _ in $(seq 1 120); do
  STATUS=$(curl -s -H "Authorization: Bearer $KEY" "http://$ADDR/v1/status" || true)
  if echo "$STATUS" | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["agent"] and s["agent"]["connected"] and s["terminal"] else 1)' 2>/dev/null; then
    echo "the Windows agent under Wine is connected: $(echo "$STATUS" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["state"], s["terminal"]["terminal"])')"
    exit 0
  fi
  sleep 0.5
done
echo "the Windows agent did not connect; its log:"; tail -20 "$WORK/agent.log"; echo "$STATUS"
exit 1
