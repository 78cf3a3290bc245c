#!/usr/bin/env bash
# Tests of scripts/abi-check.pl itself: the real header passes against the last release, and
# planted breaks (a removal, a renumbering, a changed parameter, a changed typedef, a struct
# that moved or grew) fail unless the version bump allows them; additions pass.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHECK="$ROOT/scripts/abi-check.pl"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
BASE="$ROOT/abi/onshi-0.1.0.h"
passed=0
failed=0

# expect NAME RC PATTERN HEADER VERSION [OLD]: the check's exit code is RC and its output
# matches PATTERN.
expect() {
    local name=$1 want=$2 pattern=$3 header=$4 version=$5 old=${6:-$BASE} out rc
    out=$(perl "$CHECK" --old "$old" --new "$header" --version "$version" 2>&1)
    rc=$?
    if [ "$rc" -eq "$want" ] && grep -qE -- "$pattern" <<<"$out"; then
        passed=$((passed + 1))
        echo "ok     $name"
    else
        failed=$((failed + 1))
        echo "FAILED $name (exit $rc, wanted $want and /$pattern/)"
        sed 's/^/    | /' <<<"$out" | tail -15
    fi
}

# plant NAME PERL-SUBSTITUTION: a copy of the released header with one edit; fails the test
# run if the edit did not apply (so a renamed symbol cannot make a plant silently empty).
plant() {
    local name=$1 expr=$2
    perl -0pe "$expr" "$BASE" >"$T/$name.h"
    if cmp -s "$BASE" "$T/$name.h"; then
        echo "FAILED plant $name: the edit did not change the header"
        failed=$((failed + 1))
    fi
}

# The current header against the last release, at the current version: no break, or only
# breaks the version bump allows.
expect "current header against 0.1.0" 0 'abi-check: OK' "$ROOT/include/onshi.h" "$(cd "$ROOT" && cargo pkgid 2>/dev/null | sed 's/.*[#@]//')"

plant removal 's/^void onshi_card_free\(struct onshi_card \*c\);\n//m'
expect "removed function, same minor" 1 'BREAK: removed function onshi_card_free' "$T/removal.h" 0.1.1
expect "removed function, patch is not enough" 1 'bump the version to 0\.2\.0' "$T/removal.h" 0.1.7
expect "removed function, minor bump (0.x)" 0 'allowed by the version bump 0\.1\.0 -> 0\.2\.0' "$T/removal.h" 0.2.0
expect "removed function, major bump" 0 'allowed by the version bump' "$T/removal.h" 1.0.0

plant renumber 's/#define ONSHI_ID_LENGTH 102/#define ONSHI_ID_LENGTH 112/'
expect "renumbered status" 1 'renumbered constant ONSHI_ID_LENGTH: 102 -> 112' "$T/renumber.h" 0.1.1
expect "renumbered status, minor bump" 0 'BREAK: renumbered constant ONSHI_ID_LENGTH' "$T/renumber.h" 0.2.0

plant removed_const 's/^#define ONSHI_TERMINAL_NOT_CONSENTED 412\n//m'
expect "removed constant" 1 'removed constant ONSHI_TERMINAL_NOT_CONSENTED \(was 412\)' "$T/removed_const.h" 0.1.0

plant param 's/(onshi_status onshi_card_tries_left\(struct onshi_card \*c,\s*)uint32_t \*out_tries/${1}uint64_t *out_tries/'
expect "changed parameter type" 1 'changed function onshi_card_tries_left' "$T/param.h" 0.1.0

plant renamed_param 's/(onshi_status onshi_card_tries_left\(struct onshi_card \*)c,/${1}card,/'
expect "renamed parameter is compatible" 0 'OK, no break' "$T/renamed_param.h" 0.1.0

plant typedef 's/typedef uint32_t onshi_status;/typedef uint64_t onshi_status;/'
expect "changed typedef" 1 'changed type onshi_status: uint32_t  ->  uint64_t' "$T/typedef.h" 0.1.0

plant field_type 's/size_t max_depth;/uint32_t max_depth;/'
expect "struct field narrowed" 1 'struct onshi_limits: field max_depth at offset 8 size 8 -> offset 8 size 4' "$T/field_type.h" 0.1.0

plant field_swap 's/(typedef struct onshi_date \{.*?)int32_t year;(.*?)uint32_t month;/${1}uint32_t month;${2}int32_t year;/s'
expect "struct fields swapped" 1 'struct onshi_date: field year at offset 0 size 4 -> offset 4 size 4' "$T/field_swap.h" 0.1.0

plant field_added 's/(typedef struct onshi_emulator_stats \{.*?uint64_t faces;)/${1}\n  uint64_t lost;/s'
expect "struct grew" 1 'struct onshi_emulator_stats: size 32 -> 40' "$T/field_added.h" 0.1.0

plant addition 's/^(void onshi_card_free\(struct onshi_card \*c\);)$/$1\nvoid onshi_card_reset(struct onshi_card *c);\n#define ONSHI_CARD_NEW_THING 522/m'
expect "additions are compatible" 0 'compatible: added function onshi_card_reset' "$T/addition.h" 0.1.0
expect "additions are listed" 0 'compatible: added constant ONSHI_CARD_NEW_THING = 522' "$T/addition.h" 0.1.0

# After 1.0 the major number decides.
plant v1 's/#define ONSHI_VERSION_MAJOR 0/#define ONSHI_VERSION_MAJOR 1/'
perl -0pe 's/^void onshi_card_free\(struct onshi_card \*c\);\n//m' "$T/v1.h" >"$T/v1-removal.h"
expect "1.x: minor bump is not enough" 1 'bump the version to 2\.0\.0' "$T/v1-removal.h" 1.2.0 "$T/v1.h"
expect "1.x: major bump allows a break" 0 'allowed by the version bump 1\.1\.0 -> 2\.0\.0' "$T/v1-removal.h" 2.0.0 "$T/v1.h"

# The newest released header is the default baseline.
mkdir -p "$T/abi"
cp "$BASE" "$T/abi/onshi-0.1.0.h"
cp "$T/removal.h" "$T/abi/onshi-0.10.0.h"
out=$(perl "$CHECK" --abi-dir "$T/abi" --new "$T/removal.h" --version 0.10.0 2>&1)
if grep -q 'onshi-0.10.0.h' <<<"$out" && grep -q 'OK, no break' <<<"$out"; then
    passed=$((passed + 1)); echo "ok     versions sort numerically (0.10.0 after 0.1.0)"
else
    failed=$((failed + 1)); echo "FAILED versions sort numerically"; echo "$out" | tail -5
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
