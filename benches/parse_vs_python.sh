#!/usr/bin/env bash
# Wall time of `onshi parse FILE` against a plain Python xml.etree script that prints the
# same file as JSON, on the 10,000-unit bulk answer of benches/xml.rs (UTF-8; Python's
# expat reads no Shift_JIS), measured with hyperfine (Debian: apt-get install hyperfine).
# Both write to /dev/null (hyperfine's default). Goal: onshi ≥ 10× faster.
#
#   bash benches/parse_vs_python.sh            # RUNS=10 by default
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ONSHI_BENCH_DUMP="$dir" cargo bench --quiet --bench xml >/dev/null
cargo build --quiet --release --features cli --bin onshi
cat > "$dir/etree_json.py" <<'PY'
# A plain Python counterpart of `onshi parse FILE`: parse with xml.etree, print JSON.
# A leaf becomes {"Tag": "text"}, an element with children {"Tag": [children]}.
import json, sys, xml.etree.ElementTree as ET

def conv(e):
    if len(e):
        return {e.tag: [conv(c) for c in e]}
    return {e.tag: e.text}

root = ET.parse(sys.argv[1]).getroot()
json.dump(conv(root), sys.stdout, ensure_ascii=False, indent=2)
sys.stdout.write("\n")
PY
file="$dir/bulk_10000.utf8.xml"
echo "input: $(wc -c < "$file") bytes, 10,000 units"
hyperfine -N --warmup 1 --runs "${RUNS:-10}" \
  "target/release/onshi parse $file" \
  "python3 $dir/etree_json.py $file"
