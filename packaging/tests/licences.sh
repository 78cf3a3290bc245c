#!/usr/bin/env bash
# The licence check: `cargo deny check licenses bans sources` passes on onshi with deny.toml,
# and the same deny.toml rejects a dependency under a licence it does not allow (a GPL crate)
# and a crate it bans — so the check in CI can fail.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok     $1"; }
bad() { failed=$((failed + 1)); echo "FAILED $1"; sed 's/^/    | /' "$2" | tail -20; }

if (cd "$ROOT" && cargo deny --locked check licenses bans sources) >"$T/onshi.log" 2>&1; then
    ok "onshi: licenses, bans, sources"
else
    bad "onshi: licenses, bans, sources" "$T/onshi.log"
fi

# plant NAME LICENSE [DEPNAME]: an app depending on a local crate under LICENSE.
plant() {
    local name=$1 license=$2 dep=${3:-planted}
    mkdir -p "$T/$name/app/src" "$T/$name/$dep/src"
    cat >"$T/$name/$dep/Cargo.toml" <<EOT
[package]
name = "$dep"
version = "1.0.0"
edition = "2021"
license = "$license"
publish = false
EOT
    : >"$T/$name/$dep/src/lib.rs"
    cat >"$T/$name/app/Cargo.toml" <<EOT
[package]
name = "app"
version = "0.1.0"
edition = "2021"
license = "MIT OR Apache-2.0"
publish = false
[dependencies]
$dep = { path = "../$dep", version = "1.0.0" }
EOT
    : >"$T/$name/app/src/lib.rs"
    cp "$ROOT/deny.toml" "$T/$name/app/"
    (cd "$T/$name/app" && cargo generate-lockfile --offline -q && cargo deny check licenses bans sources) >"$T/$name.log" 2>&1
}

if plant gpl GPL-3.0-only; then
    bad "a GPL-3.0-only dependency is rejected" "$T/gpl.log"
elif grep -q 'rejected' "$T/gpl.log" && grep -q 'GPL-3.0' "$T/gpl.log"; then
    ok "a GPL-3.0-only dependency is rejected"
else
    bad "a GPL-3.0-only dependency is rejected (for the right reason)" "$T/gpl.log"
fi
if plant mit MIT; then
    ok "the same MIT dependency passes (control)"
else
    bad "the same MIT dependency passes (control)" "$T/mit.log"
fi
if plant banned MIT openssl-sys; then
    bad "a banned crate (openssl-sys) is rejected" "$T/banned.log"
elif grep -q 'banned' "$T/banned.log"; then
    ok "a banned crate (openssl-sys) is rejected"
else
    bad "a banned crate (openssl-sys) is rejected (for the right reason)" "$T/banned.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
