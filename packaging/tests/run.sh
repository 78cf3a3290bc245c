#!/usr/bin/env bash
# Every packaging suite (called by tests/run-all.sh after bindings/run-tests.sh, which builds
# the three native libraries these suites package):
#   abi-check       scripts/abi-check.pl against abi/ (the CI ABI check) and the check's own tests
#   licences        cargo deny check licenses bans sources, and that it can fail
#   install-layout  scripts/install.sh, pkg-config and CMake consumers from the prefix only
#   nuget           the NuGet package and a consumer from a local folder feed under Mono
#   release         scripts/release.sh: archives, SHA256SUMS, SBOMs, publish dry-run, archives at work
# Prints one line per suite and "N passed, M failed"; exits non-zero on any failure.
#   bash packaging/tests/run.sh [SUITE …]
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOGS="$ROOT/target/packaging-tests"
mkdir -p "$LOGS"
suites=("$@")
[ "${#suites[@]}" -gt 0 ] || suites=(abi-check licences install-layout nuget release)
passed=0
failed=0
for s in "${suites[@]}"; do
    t0=$(date +%s)
    if bash "$ROOT/packaging/tests/$s.sh" >"$LOGS/$s.log" 2>&1; then
        passed=$((passed + 1))
        printf 'ok     %-16s %4ss  %s\n' "$s" "$(($(date +%s) - t0))" "$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOGS/$s.log" | tail -1)"
    else
        failed=$((failed + 1))
        printf 'FAILED %-16s %4ss  (log: %s)\n' "$s" "$(($(date +%s) - t0))" "$LOGS/$s.log"
        grep -E '^(FAILED|ok) ' "$LOGS/$s.log" | sed 's/^/    | /'
        tail -n 25 "$LOGS/$s.log" | sed 's/^/    | /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
