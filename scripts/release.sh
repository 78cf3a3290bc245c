#!/usr/bin/env bash
# Builds everything a release ships into dist/ (or --out DIR):
#
#   onshi-<version>-linux-x64.tar.gz / .zip   x86_64-unknown-linux-gnu
#   onshi-<version>-win-x64.tar.gz / .zip     x86_64-pc-windows-gnu
#   onshi-<version>-win-x86.tar.gz / .zip     i686-pc-windows-gnu (32-bit applications)
#   onshi-<version>-<target>.cdx.json         CycloneDX SBOM of each (scripts/sbom.pl)
#   Onshi.<version>.nupkg                     the NuGet package (scripts/nuget-pack.sh)
#   SHA256SUMS                                sha256sum of every file above
#
# Each archive holds one folder onshi-<version>-<target>/ with the install layout of
# scripts/install.sh (relocatable: pkg-config and CMake work wherever it is unpacked), the CLI
# (bin/onshi, bin/onshi.exe), the C# binding's sources, the Japanese docs and message
# catalogue, the SBOM, CHANGELOG.md, ABI.md, the licences and a short Japanese README.
# Libraries and the CLI are stripped of the release profile's debug line tables.
#
# Before building it runs the release checks: the ABI check against the last released header
# (scripts/abi-check.pl), the licence check (cargo deny check licenses bans sources) and
# `cargo publish --dry-run`. Archives are reproducible: file times are SOURCE_DATE_EPOCH (the
# last commit's time by default), owners are 0, entries sorted.
#
#   bash scripts/release.sh [--out DIR] [--targets "linux-x64 win-x64 win-x86"] [--no-checks]
#
# --no-checks skips the three checks (the packaging test runs them as suites of their own).
# ONSHI_RELEASE_ALLOW_DIRTY=1 lets `cargo publish --dry-run` run on uncommitted changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/dist"
TARGETS="linux-x64 win-x64 win-x86"
CHECKS=1
while [ $# -gt 0 ]; do
    case "$1" in
    --out) OUT=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    --no-checks) CHECKS=0; shift ;;
    *) echo "release.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
cd "$ROOT"
VERSION=$(sed -n '/^\[package\]/,/^\[/ s/^version *= *"\([^"]*\)"/\1/p' Cargo.toml | head -1)
IFS=. read -r MAJOR MINOR _ <<<"$VERSION"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
WORK="$ROOT/target/dist"
PRODUCED=()
rm -rf "$WORK"
mkdir -p "$WORK"

if [ "$CHECKS" = 1 ]; then
    echo "== ABI check"
    perl scripts/abi-check.pl
    echo "== licence check"
    cargo deny check licenses bans sources
    echo "== cargo publish --dry-run"
    dirty=()
    [ "${ONSHI_RELEASE_ALLOW_DIRTY:-0}" = 1 ] && dirty=(--allow-dirty)
    cargo publish --dry-run --locked "${dirty[@]}"
fi

triple() {
    case "$1" in
    linux-x64) echo x86_64-unknown-linux-gnu ;;
    win-x64) echo x86_64-pc-windows-gnu ;;
    win-x86) echo i686-pc-windows-gnu ;;
    *) echo "release.sh: unknown target $1" >&2; exit 2 ;;
    esac
}

for rid in $TARGETS; do
    t=$(triple "$rid")
    name="onshi-$VERSION-$rid"
    stage="$WORK/$name"
    echo "== $name ($t)"
    host=$(rustc -vV | sed -n 's/^host: //p')
    if [ "$t" = "$host" ]; then bin_dir=target/release; targs=(); else bin_dir="target/$t/release"; targs=(--target "$t"); fi
    # Library and CLI in one build, all features (the tests build the same, so nothing rebuilds).
    cargo build --release --all-features "${targs[@]}"
    bash scripts/install.sh --prefix "$stage" --target "$t" --relocatable --no-build >/dev/null
    case "$rid" in
    linux-*)
        mkdir -p "$stage/bin"
        install -m 0755 "$bin_dir/onshi" "$stage/bin/onshi"
        strip --strip-debug "$stage/lib/libonshi.so.$VERSION" "$stage/lib/libonshi.a" "$stage/bin/onshi"
        cli=onshi
        libs="| \`lib/libonshi.so.$VERSION\` | 共有ライブラリ（SONAME \`libonshi.so.$MAJOR.$MINOR\`、リンク名 \`libonshi.so\`） |
| \`lib/libonshi.a\` | 静的ライブラリ（\`pkg-config --static --libs onshi\` で必要なライブラリが分かります） |"
        demo="bin/onshi demo            # 内蔵のエミュレーターで受付の操作をひととおり実演
bin/onshi check-digit 138057   # 保険者番号の検証番号"
        ;;
    win-*)
        tool=x86_64-w64-mingw32
        [ "$rid" = win-x86 ] && tool=i686-w64-mingw32
        install -m 0755 "$bin_dir/onshi.exe" "$stage/bin/onshi.exe"
        # Not libonshi.a: mingw's strip stops at the empty .dwo members rustc puts in it.
        "$tool-strip" --strip-debug "$stage/bin/onshi.dll" "$stage/bin/onshi.exe"
        cli=onshi.exe
        libs="| \`bin/onshi.dll\` | DLL（アプリケーションの exe と同じフォルダに置きます。$([ "$rid" = win-x86 ] && echo 32 || echo 64) ビット） |
| \`lib/onshi.lib\` | MSVC 用のインポートライブラリ（\`onshi.def\` から作成。\`lib /def:onshi.def\` で作り直せます） |
| \`lib/libonshi.dll.a\`・\`lib/onshi.def\` | MinGW 用のインポートライブラリ、エクスポート一覧 |
| \`lib/libonshi.a\` | 静的ライブラリ（MinGW のみ） |"
        demo="bin\\onshi.exe demo            # 内蔵のエミュレーターで受付の操作をひととおり実演
bin\\onshi.exe check-digit 138057   # 保険者番号の検証番号"
        ;;
    esac
    # Docs, bindings, licences.
    mkdir -p "$stage/docs/ja" "$stage/bindings/csharp/src"
    cp docs/ja/* "$stage/docs/ja/"
    cp bindings/csharp/src/*.cs bindings/csharp/Onshi.csproj "$stage/bindings/csharp/"
    mv "$stage/bindings/csharp/"*.cs "$stage/bindings/csharp/src/"
    cp bindings/README.md "$stage/bindings/README.md"
    cp LICENSE-MIT LICENSE-APACHE CHANGELOG.md ABI.md "$stage/"
    perl -pe "s/\\@VERSION\\@/$VERSION/g; s/\\@TARGET\\@/$rid/g; s/\\@MAJOR_MINOR\\@/$MAJOR.$MINOR/g;
        s/\\@MINOR\\@/$MINOR/g; s/\\@NEXT_MINOR\\@/$((MINOR + 1))/g; s/\\@CLI\\@/$cli/g" \
        packaging/dist/README.ja.md >"$stage/README.ja.md.tmp"
    LIBS="$libs" DEMO="$demo" perl -0pe 's/\@LIBS\@/$ENV{LIBS}/; s/\@DEMO\@/$ENV{DEMO}/' "$stage/README.ja.md.tmp" >"$stage/README.ja.md"
    rm "$stage/README.ja.md.tmp"
    perl scripts/sbom.pl --target "$t" >"$OUT/$name.cdx.json"
    PRODUCED+=("$name.cdx.json" "$name.tar.gz" "$name.zip")
    cp "$OUT/$name.cdx.json" "$stage/sbom.cdx.json"

    # Reproducible archives.
    find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    rm -f "$OUT/$name.tar.gz" "$OUT/$name.zip"
    (cd "$WORK" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf - "$name" |
        gzip -n -9 >"$OUT/$name.tar.gz")
    (cd "$WORK" && find "$name" -print | LC_ALL=C sort | TZ=UTC zip -q -X -y -9 "$OUT/$name.zip" -@)
done

# The NuGet package carries all three native libraries: only with all three targets.
if [ "$(echo "$TARGETS" | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ')" = "linux-x64 win-x64 win-x86 " ]; then
    echo "== NuGet"
    rm -f "$OUT/Onshi.$VERSION.nupkg"
    bash scripts/nuget-pack.sh --out "$OUT" --no-build >/dev/null
    PRODUCED+=("Onshi.$VERSION.nupkg")
else
    echo "== NuGet skipped (needs the targets linux-x64 win-x64 win-x86)"
fi

echo "== SHA256SUMS"
(cd "$OUT" && printf '%s\n' "${PRODUCED[@]}" | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
cat "$OUT/SHA256SUMS"
