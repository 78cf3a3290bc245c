# Shared by the packaging suites (sourced): a temporary folder $T removed on exit, and
# `step NAME FUNCTION…`, which runs one check with errexit in a subshell, its output in
# $T/NAME.log, prints "ok"/"FAILED" (with the log's tail) and counts; `finish` prints
# "N passed, M failed" and returns non-zero on any failure.
T=$(mktemp -d)
trap 'for p in "$T"/wine-*; do [ -d "$p" ] && WINEPREFIX=$p /usr/lib/wine/wineserver -k 2>/dev/null; done; rm -rf "$T"' EXIT
passed=0
failed=0

step() {
    local name=$1
    shift
    # Not inside `if` or `||`: there bash would ignore the subshell's errexit.
    (set -euo pipefail; "$@") >"$T/$name.log" 2>&1
    if [ $? -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok     $name"
    else
        failed=$((failed + 1))
        echo "FAILED $name"
        tail -30 "$T/$name.log" | sed 's/^/    | /'
    fi
}

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
