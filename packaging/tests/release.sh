#!/usr/bin/env bash
# The release (scripts/release.sh, with its checks: ABI, licences, cargo publish --dry-run):
#   * dist/ holds exactly the archives (tar.gz and zip) for linux-x64, win-x64 and win-x86,
#     their SBOMs, the NuGet package and SHA256SUMS, and `sha256sum -c` passes;
#   * every archive has the headers, libraries, CMake and pkg-config files, the CLI, the C#
#     sources, the Japanese README and docs, the message catalogue, the SBOM, the licences;
#     entries are owned by 0 and dated SOURCE_DATE_EPOCH (reproducible);
#   * each archive works unpacked somewhere else: linux-x64 builds the C example of
#     bindings/README.md with pkg-config (relocatable .pc) and runs it and the CLI; win-x64 and
#     win-x86 build it with MinGW against the MSVC import library onshi.lib and run it, and
#     the CLI, under 64-bit and 32-bit Wine;
#   * the SBOMs are CycloneDX 1.5 with a licence, purl and Cargo.lock's SHA-256 per crate,
#     and differ per target where the dependencies do;
#   * the crate package leaves the test corpora out.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=packaging/tests/lib.sh
. "$ROOT/packaging/tests/lib.sh"
D="$T/dist"
VERSION=$(cd "$ROOT" && cargo pkgid | sed 's/.*[#@]//')
IFS=. read -r MAJOR MINOR _ <<<"$VERSION"
export SOURCE_DATE_EPOCH=1767225600   # 2026-01-01T00:00:00Z


release() {
    cd "$ROOT"
    ONSHI_RELEASE_ALLOW_DIRTY=1 bash scripts/release.sh --out "$D"
}

files_and_sums() {
    cd "$D"
    local want=()
    for rid in linux-x64 win-x64 win-x86; do
        want+=("onshi-$VERSION-$rid.tar.gz" "onshi-$VERSION-$rid.zip" "onshi-$VERSION-$rid.cdx.json")
    done
    want+=("Onshi.$VERSION.nupkg" SHA256SUMS)
    diff <(printf '%s\n' "${want[@]}" | LC_ALL=C sort) <(ls -1 | LC_ALL=C sort)
    sha256sum -c SHA256SUMS
    [ "$(wc -l <SHA256SUMS)" = $((${#want[@]} - 1)) ]
    # A changed byte is caught.
    cp -r "$D" "$T/tampered"
    printf 'x' >>"$T/tampered/onshi-$VERSION-win-x86.zip"
    ! (cd "$T/tampered" && sha256sum -c SHA256SUMS >/dev/null 2>&1)
}

contents() {
    local rid common=(README.ja.md LICENSE-MIT LICENSE-APACHE CHANGELOG.md ABI.md sbom.cdx.json
        include/onshi/onshi.h include/onshi/onshi.hpp lib/libonshi.a lib/pkgconfig/onshi.pc
        lib/cmake/onshi/onshiConfig.cmake lib/cmake/onshi/onshiConfigVersion.cmake
        bindings/csharp/src/Onshi.cs bindings/csharp/src/Native.g.cs bindings/csharp/Onshi.csproj bindings/README.md
        docs/ja/README.md docs/ja/install.md docs/ja/terminal-setup.md docs/ja/seed-flow.md docs/ja/card-reader.md
        docs/ja/emulator.md docs/ja/errors.md docs/ja/messages.md docs/ja/messages.json docs/ja/messages.csv)
    for rid in linux-x64 win-x64 win-x86; do
        local name="onshi-$VERSION-$rid" extra
        case $rid in
        linux-*) extra=(bin/onshi "lib/libonshi.so.$VERSION" "lib/libonshi.so.$MAJOR.$MINOR" lib/libonshi.so) ;;
        win-*) extra=(bin/onshi.exe bin/onshi.dll lib/onshi.lib lib/libonshi.dll.a lib/onshi.def) ;;
        esac
        tar -tzf "$D/$name.tar.gz" | LC_ALL=C sort >"$T/$rid.tar.list"
        unzip -Z1 "$D/$name.zip" | LC_ALL=C sort >"$T/$rid.zip.list"
        diff "$T/$rid.tar.list" "$T/$rid.zip.list"   # the two formats hold the same
        for f in "${common[@]}" "${extra[@]}"; do
            grep -qx "$name/$f" "$T/$rid.tar.list" || { echo "$name lacks $f"; exit 1; }
        done
        # Reproducible: owner 0, every entry dated SOURCE_DATE_EPOCH.
        ! tar --full-time -tvzf "$D/$name.tar.gz" | grep -v ' 0/0 ' | grep .
        ! tar --full-time -tvzf "$D/$name.tar.gz" | grep -v ' 2026-01-01 00:00:00 ' | grep .
        # The Japanese README is filled in for this archive.
        tar -xzOf "$D/$name.tar.gz" "$name/README.ja.md" >"$T/$rid.readme"
        grep -q "# onshi $VERSION（$rid）" "$T/$rid.readme"
        ! grep -q '@[A-Z_]*@' "$T/$rid.readme"
        echo "$name: $(wc -l <"$T/$rid.tar.list") entries"
    done
}

extract() { mkdir -p "$T/x/$1" && tar -xzf "$D/onshi-$VERSION-$1.tar.gz" -C "$T/x/$1" && echo "$T/x/$1/onshi-$VERSION-$1"; }
c_example() { awk '$0 == "```c" {on=1; next} /^```/ {on=0} on' "$ROOT/bindings/README.md" >"$1"; }

linux_archive() {
    local p
    p=$(extract linux-x64)
    c_example "$T/example.c"
    mkdir -p "$T/linux-run" && cd "$T/linux-run"
    # shellcheck disable=SC2046
    gcc -std=c11 -Wall -Wextra -Werror $(PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --cflags onshi) -o example "$T/example.c" \
        $(PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --libs onshi) -Wl,-rpath,"$p/lib"
    ldd example | grep -F "$p/lib/libonshi.so.$MAJOR.$MINOR"
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' <<<"$(./example)"
    "$p/bin/onshi" check-digit 138057
    ! "$p/bin/onshi" check-digit 138058
    ! grep -q '\.debug_' <<<"$(objdump -h "$p/lib/libonshi.so.$VERSION")"
}

# win_archive RID TOOL WINE: the C example against the MSVC import library, then the CLI.
win_archive() {
    local rid=$1 tool=$2 wine=$3 p dir
    p=$(extract "$rid")
    dir="$T/$rid-run"
    mkdir -p "$dir"
    c_example "$T/example.c"
    "$tool-gcc" -std=c11 -Wall -Wextra -Werror -I"$p/include/onshi" -o "$dir/example.exe" "$T/example.c" "$p/lib/onshi.lib"
    # (Captured first: grep -q ending a pipe early would SIGPIPE the producer under pipefail.)
    grep -q 'DLL Name: onshi.dll' <<<"$("$tool-objdump" -p "$dir/example.exe")"
    grep -q 'onshi_version_number' <<<"$("$tool-nm" "$p/lib/onshi.lib")"
    cp "$p/bin/onshi.dll" "$p/bin/onshi.exe" "$dir/"
    local extra=()
    [ "$rid" = win-x86 ] && extra=(-Wl,--kill-at)
    "$tool-gcc" -shared -O2 "${extra[@]}" -o "$dir/bcryptprimitives.dll" "$ROOT/bindings/c/windows/bcryptprimitives_stub.c" -ladvapi32
    local prefix="$T/wine-$rid" arch=win64
    [ "$rid" = win-x86 ] && arch=win32
    cd "$dir"
    WINEARCH=$arch WINEPREFIX="$prefix" WINEDEBUG=-all "$wine" example.exe | tee out.txt
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' out.txt
    WINEARCH=$arch WINEPREFIX="$prefix" WINEDEBUG=-all "$wine" onshi.exe check-digit 138057
    WINEPREFIX="$prefix" /usr/lib/wine/wineserver -k 2>/dev/null || true
}
win64_archive() { win_archive win-x64 x86_64-w64-mingw32 /usr/lib/wine/wine64; }
win32_archive() { win_archive win-x86 i686-w64-mingw32 /usr/lib/wine/wine; }

sbom() {
    cd "$D"
    perl -MJSON::PP -e '
        my %lock;
        { local $/; open my $l, "<", $ARGV[0] or die; my $t = <$l>;
          while ($t =~ /name = "([^"]+)"\nversion = "([^"]+)"\nsource = "[^"]+"\nchecksum = "([0-9a-f]+)"/g) { $lock{"$1\@$2"} = $3 } }
        my %names;
        for my $rid (qw(linux-x64 win-x64 win-x86)) {
            my $f = "onshi-$ARGV[1]-$rid.cdx.json";
            open my $h, "<", $f or die "$f"; local $/; my $j = decode_json(<$h>);
            $j->{bomFormat} eq "CycloneDX" && $j->{specVersion} eq "1.5" or die "$f: not CycloneDX 1.5";
            $j->{serialNumber} =~ /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/ or die "$f: serial";
            $j->{metadata}{component}{name} eq "onshi" or die "$f: component";
            my @c = @{ $j->{components} };
            @c > 30 or die "$f: only " . scalar(@c) . " components";
            for my $c (@c) {
                my $k = "$c->{name}\@$c->{version}";
                $c->{purl} eq "pkg:cargo/$k" or die "$f: purl of $k";
                $c->{licenses}[0]{expression} or die "$f: no licence for $k";
                $c->{hashes}[0]{content} eq $lock{$k} or die "$f: SHA-256 of $k is not Cargo.lock s";
                $names{$rid}{$c->{name}} = 1;
            }
            print "$f: ", scalar(@c), " components\n";
        }
        # Per target: inotify only on Linux, windows-sys only on Windows, pcsc everywhere.
        $names{"linux-x64"}{inotify} && !$names{"win-x64"}{inotify} or die "inotify is not Linux-only";
        $names{"win-x86"}{"windows-sys"} && !$names{"linux-x64"}{"windows-sys"} or die "windows-sys is not Windows-only";
        $names{$_}{pcsc} or die "no pcsc in $_" for keys %names;
        !$names{"linux-x64"}{criterion} or die "a dev-dependency in the SBOM";
    ' "$ROOT/Cargo.lock" "$VERSION"
    cmp "$D/onshi-$VERSION-win-x86.cdx.json" <(tar -xzOf "$D/onshi-$VERSION-win-x86.tar.gz" "onshi-$VERSION-win-x86/sbom.cdx.json")
}

crate_package() {
    cd "$ROOT"
    cargo package --list --allow-dirty --locked >"$T/crate.list"
    grep -qx 'src/lib.rs' "$T/crate.list"
    grep -qx 'include/onshi.h' "$T/crate.list"
    grep -qx 'docs/ja/seed-flow.md' "$T/crate.list"
    grep -qx 'LICENSE-APACHE' "$T/crate.list"
    ! grep -E '^(tests|fuzz|benches|bindings|scripts|packaging|abi)/' "$T/crate.list"
    echo "$(wc -l <"$T/crate.list") files in the crate"
}

step release-script release
step files-and-checksums files_and_sums
step archive-contents contents
step linux-x64-archive-works linux_archive
step win-x64-archive-works win64_archive
step win-x86-archive-works win32_archive
step sbom-per-target sbom
step crate-package-excludes-corpora crate_package
finish
