#!/usr/bin/env bash
# Runs every test of onshi: Rust unit/integration/doc tests (PC/SC through pcscd + the
# project's virtual My Number card; agent + relay on SQLite and a throwaway PostgreSQL; the
# status pages in headless Chromium), the C, C++ and C# bindings (valgrind, sanitizers, the
# 64-bit and 32-bit Windows DLLs under Wine), the relay's OpenAPI contract with
# schemathesis, the Windows agent cross-built and run under Wine, the packaging (ABI check,
# licence check, install layout with pkg-config/CMake consumers, NuGet package, release
# archives) and a fuzz smoke run of every fuzz target.
#
#   bash tests/run-all.sh            # everything
#   ONSHI_FUZZ_SECONDS=5 bash tests/run-all.sh    # shorter fuzz smoke
#   ONSHI_SKIP_INSTALL=1 …           # do not apt-get / cargo install missing tools
#
# On Debian it installs what is missing first (needs root or sudo). It prints one line per
# suite and ends with "N passed, N failed"; the exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FUZZ_SECONDS=${ONSHI_FUZZ_SECONDS:-15}
LOG_DIR=${ONSHI_LOG_DIR:-$ROOT/target/test-logs}
mkdir -p "$LOG_DIR"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\n=== %s\n' "$*"; }

# ---------------------------------------------------------------- installation
APT_PACKAGES=(pcscd libpcsclite-dev vsmartcard-vpcd pcsc-tools valgrind
  mono-mcs mono-runtime libmono-system-runtime-serialization4.0-cil
  gcc-mingw-w64-x86-64 wine64 g++ pkg-config iproute2 util-linux mount
  gcc-mingw-w64-i686 wine32:i386 file
  mono-devel mono-xbuild nuget cmake patchelf zip unzip
  postgresql chromium chromium-driver fonts-ipafont-gothic)
# wine32:i386 (the 32-bit Windows DLL under 32-bit Wine) needs Debian's i386 architecture.
if [ -z "${ONSHI_SKIP_INSTALL:-}" ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO dpkg --add-architecture i386
fi

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$p")
done
if [ "${#need_apt[@]}" -gt 0 ] && [ -z "${ONSHI_SKIP_INSTALL:-}" ]; then
  say "installing: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" \
    > "$LOG_DIR/apt.log" 2>&1 || { tail -20 "$LOG_DIR/apt.log"; echo "apt-get install failed"; exit 1; }
fi
if [ -z "${ONSHI_SKIP_INSTALL:-}" ]; then
  command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz@0.13.2
  command -v cbindgen >/dev/null || cargo install --locked cbindgen@0.29.4
  # (output read whole: `cmd | grep -q` under pipefail fails at random on the writer's SIGPIPE)
  installed_targets=$(rustup target list --installed 2>/dev/null || true)
  grep -q x86_64-pc-windows-gnu <<<"$installed_targets" \
    || rustup target add x86_64-pc-windows-gnu \
    || { echo "rustup target add x86_64-pc-windows-gnu failed (the Windows cross-build needs it)"; exit 1; }
  grep -q i686-pc-windows-gnu <<<"$installed_targets" \
    || rustup target add i686-pc-windows-gnu \
    || { echo "rustup target add i686-pc-windows-gnu failed (the 32-bit Windows build needs it)"; exit 1; }
  command -v cargo-deny >/dev/null || cargo install --locked cargo-deny@0.20.2
fi

# ---------------------------------------------------------------- services
# pcscd with the vsmartcard-vpcd driver: the virtual reader "Virtual PCD 00 00" listens on
# 127.0.0.1:35963 for the project's virtual My Number card.
if ! pgrep -x pcscd >/dev/null; then
  say "starting pcscd"
  pcscd --foreground > "$LOG_DIR/pcscd.log" 2>&1 &
fi
# Wait for the reader's port without connecting (a connect would "insert" an empty card).
for _ in $(seq 1 50); do
  grep -q ':35963 ' <<<"$(ss -ltn 2>/dev/null)" && break
  sleep 0.2
done

# PostgreSQL for the relay's scale-out tests: a throwaway server as the postgres user on a
# free loopback port (tests/start-postgres.sh), stopped when this script ends.
# (under /tmp: the postgres user must reach it, whatever the permissions of the clone)
PG_DIR=$(mktemp -d /tmp/onshi-pg.XXXXXX)
if eval "$(bash tests/start-postgres.sh "$PG_DIR")"; then
  export ONSHI_PG_URL ONSHI_REQUIRE_PG=1
  trap 'runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$ONSHI_PG_DATA" -m fast stop >/dev/null 2>&1 || true' EXIT
  echo "PostgreSQL for tests: $ONSHI_PG_URL"
else
  echo "PostgreSQL could not be started (log: $PG_DIR)"; exit 1
fi
# Headless Chromium + chromedriver for the status-page tests.
command -v chromedriver >/dev/null && export ONSHI_BROWSER_TESTS=1

# ---------------------------------------------------------------- suites
passed=0; failed=0; failures=()
run() {
  local name=$1; shift
  say "$name"
  if "$@" 2>&1 | tee "$LOG_DIR/$name.log"; then
    passed=$((passed+1)); echo "--- $name: ok"
  else
    failed=$((failed+1)); failures+=("$name"); echo "--- $name: FAILED (log: $LOG_DIR/$name.log)"
  fi
}

export ONSHI_PCSC_TESTS=1 ONSHI_REQUIRE_CBINDGEN=1
run rust-tests cargo test --all-features
# The terminal's fault tests mount small tmpfs (full disk, read-only journal) and run a
# command as another user (setpriv): they need root, and skip with a printed reason without
# it. CI runs as root; elsewhere they are run again through sudo.
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    run terminal-faults-as-root sudo -E env "PATH=$PATH" cargo test --all-features \
      --test terminal_faults --test terminal_cli_faults
  else
    echo "terminal fault tests: not root and no sudo; the tmpfs and setpriv cases were skipped"
  fi
fi
run bindings bash bindings/run-tests.sh
run relay-openapi-schemathesis bash tests/relay-schemathesis.sh
run windows-agent bash tests/windows-agent.sh
# After the bindings: they build the three native libraries the packages are made of.
run packaging bash packaging/tests/run.sh

fuzz_smoke() {
  (cd fuzz && cargo fuzz build --sanitizer none) || return 1
  local t rc=0
  for t in $(cd fuzz && cargo fuzz list); do
    echo "fuzz $t: ${FUZZ_SECONDS}s"
    mkdir -p "fuzz/corpus/$t"
    local dirs=("corpus/$t")
    [ -d "fuzz/seeds/$t" ] && dirs+=("seeds/$t")
    if ! (cd fuzz && cargo fuzz run --sanitizer none "$t" "${dirs[@]}" -- \
          -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 > "$LOG_DIR/fuzz-$t.log" 2>&1); then
      echo "fuzz $t FAILED"; tail -30 "$LOG_DIR/fuzz-$t.log"; rc=1
    else
      grep -E '^Done|#[0-9]+.*DONE' "$LOG_DIR/fuzz-$t.log" | tail -1
    fi
  done
  return $rc
}
run fuzz-smoke fuzz_smoke

say "summary"
[ "$failed" -gt 0 ] && printf 'failed: %s\n' "${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
