#!/usr/bin/env bash
# The one entry point for the C ABI and its bindings (called by .ci/run and the project's test
# script). Builds the library (cargo build --release --all-features), then checks:
#   header + generated C# file up to date; ownership phrases in the header; C test plain,
#   under valgrind, with ASan + UBSan; the C misuse test (threads, use after free, free while
#   waiting, cancel tokens, calls from the face callback) plain with an empty stderr, under
#   valgrind, with ASan + UBSan and with TSan; C++ test (header alone, double include, two
#   translation units, valgrind); C# test (mcs + mono); the README examples; the Windows DLLs,
#   64-bit and 32-bit (exports = header functions, no runtime DLL to ship, C test under Wine;
#   32-bit: under 32-bit Wine, and a panic caught inside a DLL of that target).
# Valgrind runs with its DEFAULT leak kinds (definite and possible are errors) and the
# suppression file vendors get (bindings/c/valgrind/onshi.supp), as a vendor would run it.
# Prints one line per check and a final "N passed, M failed"; exits non-zero on any failure.
#
# Needs: cargo (+ targets x86_64-pc-windows-gnu, i686-pc-windows-gnu), cbindgen 0.29.4, gcc,
# g++, valgrind, perl, mono-mcs, mono-runtime, gcc-mingw-w64-x86-64, gcc-mingw-w64-i686,
# wine64 (Debian: /usr/lib/wine/wine64), wine32:i386 (/usr/lib/wine/wine), file.
# ONSHI_SKIP_WINDOWS=1 skips the Windows checks (counted as failed unless also set in CI).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/target/bindings-tests"
LOGS="$OUT/logs"
rm -rf "$OUT"
mkdir -p "$LOGS"
REL="$ROOT/target/release"
WIN_TARGET=x86_64-pc-windows-gnu
WIN="$ROOT/target/$WIN_TARGET/release"
CBINDGEN_VERSION=0.29.4
START=$(date +%s)
passed=0
failed=0

# Runs one check with errexit on, its output in a log; a failure shows the log's tail.
check() {
    local name=$1
    shift
    local t0 rc
    t0=$(date +%s)
    set +e
    (set -euo pipefail; "$@") >"$LOGS/$name.log" 2>&1
    rc=$?
    set -e
    local summary
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOGS/$name.log" | tail -1 || true)
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        printf 'ok     %-28s %4ss  %s\n' "$name" "$(($(date +%s) - t0))" "$summary"
    else
        failed=$((failed + 1))
        printf 'FAILED %-28s %4ss  %s\n' "$name" "$(($(date +%s) - t0))" "$summary"
        tail -n 40 "$LOGS/$name.log" | sed 's/^/    | /'
    fi
}

# ---- build ----
build() { cargo build --release --all-features; }

# ---- generated files ----
header_fresh() {
    local v
    v=$(cbindgen --version)
    [ "$v" = "cbindgen $CBINDGEN_VERSION" ] || { echo "need cbindgen $CBINDGEN_VERSION, found: $v"; exit 1; }
    cbindgen --config cbindgen.toml --verify --output include/onshi.h src/ffi/mod.rs ||
        { echo "include/onshi.h is stale: cbindgen --config cbindgen.toml --output include/onshi.h src/ffi/mod.rs"; exit 1; }
    # The version macros against Cargo.toml are checked by tests/ffi_header.rs (cargo test).
    grep -q "^#define ONSHI_VERSION_MAJOR $(cargo pkgid | sed 's/.*[#@]//' | cut -d. -f1)\$" include/onshi.h
}

csharp_fresh() {
    perl bindings/csharp/generate.pl include/onshi.h >"$OUT/Native.g.cs"
    diff -u bindings/csharp/src/Native.g.cs "$OUT/Native.g.cs" ||
        { echo "Native.g.cs is stale: perl bindings/csharp/generate.pl include/onshi.h > bindings/csharp/src/Native.g.cs"; exit 1; }
}

header_compiles() {
    gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c include/onshi.h
    g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++ include/onshi.h
    g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -Iinclude -x c++ bindings/cpp/onshi.hpp
}

# ---- C ----
CFLAGS=(-std=c11 -Wall -Wextra -Werror -Iinclude)
LINK=(-L"$REL" -lonshi -Wl,-rpath,"$REL")
# The C and C++ tests run an emulator over a folder of their own below $OUT (the argument
# names it, so that each run starts clean).
c_test() {
    gcc "${CFLAGS[@]}" -O1 -g -o "$OUT/test_c" bindings/c/tests/test_onshi.c "${LINK[@]}"
    cd "$OUT" && ./test_c plain
}
VALGRIND=(valgrind --error-exitcode=1 --leak-check=full --suppressions="$ROOT/bindings/c/valgrind/onshi.supp")
c_valgrind() {
    cd "$OUT" && "${VALGRIND[@]}" ./test_c valgrind
}
# Checks that a program links the given libraries. The output is read whole before grep sees it:
# `cmd | grep -q` under pipefail fails at random when grep exits at the first match and the
# writer then dies of SIGPIPE (this is how windows-x86-wine-c-test failed in CI).
linked_in() {
    local prog=$1 libs
    shift
    libs=$(ldd "$prog")
    for lib in "$@"; do
        grep -q "$lib" <<<"$libs" || { echo "$lib is not linked into $prog"; exit 1; }
    done
}
c_sanitizers() {
    gcc "${CFLAGS[@]}" -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
        -o "$OUT/test_c_asan" bindings/c/tests/test_onshi.c "${LINK[@]}"
    # Prove the sanitizers are really in (grep -c reads all input: no SIGPIPE under pipefail).
    linked_in "$OUT/test_c_asan" 'libasan' 'libubsan'
    cd "$OUT" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 ./test_c_asan asan
}

# ---- C: the careless caller (threads, freed handles, cancellation, callbacks) ----
MISUSE_SRC=bindings/c/tests/test_misuse.c
c_misuse() {
    gcc "${CFLAGS[@]}" -O1 -g -pthread -o "$OUT/test_misuse" "$MISUSE_SRC" "${LINK[@]}"
    cd "$OUT" && ./test_misuse plain 2>"$OUT/misuse.stderr"
    # Nothing may reach the host's stderr: no panic message, no warning.
    if [ -s "$OUT/misuse.stderr" ]; then echo "stderr was not empty:"; cat "$OUT/misuse.stderr"; exit 1; fi
}
c_misuse_valgrind() {
    cd "$OUT" && "${VALGRIND[@]}" ./test_misuse valgrind
}
c_misuse_sanitizers() {
    gcc "${CFLAGS[@]}" -g -pthread -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
        -o "$OUT/test_misuse_asan" "$MISUSE_SRC" "${LINK[@]}"
    linked_in "$OUT/test_misuse_asan" 'libasan' 'libubsan'
    cd "$OUT" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 ./test_misuse_asan asan
}
# TSan instruments the C program only (an instrumented Rust library needs nightly's
# -Zsanitizer=thread); bindings/c/tsan/onshi.supp makes it ignore what the library calls, so
# it checks the C side: the program's own data, callback userdata, what it shares across
# threads around the library's calls.
c_misuse_tsan() {
    gcc "${CFLAGS[@]}" -g -O1 -pthread -fsanitize=thread -o "$OUT/test_misuse_tsan" "$MISUSE_SRC" "${LINK[@]}"
    linked_in "$OUT/test_misuse_tsan" 'libtsan'
    cd "$OUT" && TSAN_OPTIONS="suppressions=$ROOT/bindings/c/tsan/onshi.supp halt_on_error=1 exitcode=66" ./test_misuse_tsan tsan
}

# ---- C++ ----
cpp_test() {
    g++ -std=c++17 -Wall -Wextra -Werror -g -pthread -Iinclude -Ibindings/cpp -o "$OUT/test_cpp" \
        bindings/cpp/tests/test_onshi.cpp bindings/cpp/tests/second_tu.cpp "${LINK[@]}"
    cd "$OUT"
    rm -rf onshi-cpp-root onshi-cpp-2026 && ./test_cpp
    rm -rf onshi-cpp-root onshi-cpp-2026 && "${VALGRIND[@]}" -q ./test_cpp
}

# ---- C# ----
csharp_test() {
    mkdir -p "$OUT/cs"
    mcs -langversion:7.2 -target:library -warnaserror -doc:"$OUT/cs/Onshi.xml" -out:"$OUT/cs/Onshi.dll" bindings/csharp/src/*.cs
    mcs -langversion:7.2 -r:"$OUT/cs/Onshi.dll" -out:"$OUT/cs/OnshiTests.exe" bindings/csharp/tests/OnshiTests.cs
    LD_LIBRARY_PATH="$REL" mono "$OUT/cs/OnshiTests.exe"
}

# ---- README examples: every ```c / ```cpp / ```csharp block is a whole program ----
# extract LANG [FILE]: the code blocks of one language in a Markdown file (bindings/README.md).
extract() { awk -v lang="$1" '$0 == "```" lang {on=1; next} /^```/ {on=0} on' "${2:-bindings/README.md}"; }
examples() {
    mkdir -p "$OUT/ex"
    extract c >"$OUT/ex/example.c"
    extract cpp >"$OUT/ex/example.cpp"
    extract csharp >"$OUT/ex/Example.cs"
    gcc "${CFLAGS[@]}" -o "$OUT/ex/example_c" "$OUT/ex/example.c" "${LINK[@]}"
    g++ -std=c++17 -Wall -Wextra -Werror -Iinclude -Ibindings/cpp -o "$OUT/ex/example_cpp" "$OUT/ex/example.cpp" "${LINK[@]}"
    mcs -langversion:7.2 -r:"$OUT/cs/Onshi.dll" -out:"$OUT/ex/Example.exe" "$OUT/ex/Example.cs"
    cp "$OUT/cs/Onshi.dll" "$OUT/ex/"
    cd "$OUT/ex"
    # Each program runs the seed operation against the emulator: the address moved, so the
    # verdict is 反映を推奨 and the history holds the new address afterwards.
    ./example_c | tee c.out
    grep -q '判定: 反映を推奨' c.out
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' c.out
    ./example_cpp | tee cpp.out
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' cpp.out
    grep -q 'ONSHI_ID_LENGTH: 保険者番号の桁数が正しくありません' cpp.out
    grep -q '5 digits, expected 6 or 8' cpp.out
    LD_LIBRARY_PATH="$REL" mono Example.exe | tee cs.out
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' cs.out
    grep -q '該当資格なし' cs.out
    grep -q 'IdLength: 保険者番号の桁数が正しくありません' cs.out
    grep -q '  保険者番号: 5 digits, expected 6 or 8' cs.out
    cd "$ROOT"
    # The Japanese guide (docs/ja/seed-flow.md) shows the same flow for C# and C++: built and
    # run too, so what Japanese readers copy works.
    extract cpp docs/ja/seed-flow.md >"$OUT/ex/seed_flow_ja.cpp"
    extract csharp docs/ja/seed-flow.md >"$OUT/ex/SeedFlowJa.cs"
    g++ -std=c++17 -Wall -Wextra -Werror -Iinclude -Ibindings/cpp -o "$OUT/ex/seed_flow_ja_cpp" "$OUT/ex/seed_flow_ja.cpp" "${LINK[@]}"
    mcs -langversion:7.2 -r:"$OUT/cs/Onshi.dll" -out:"$OUT/ex/SeedFlowJa.exe" "$OUT/ex/SeedFlowJa.cs"
    cd "$OUT/ex"
    ./seed_flow_ja_cpp | tee ja_cpp.out
    grep -q '判定: 反映を推奨' ja_cpp.out
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' ja_cpp.out
    grep -q 'ONSHI_ID_LENGTH: 保険者番号の桁数が正しくありません' ja_cpp.out
    LD_LIBRARY_PATH="$REL" mono SeedFlowJa.exe | tee ja_cs.out
    grep -q '判定: 反映を推奨' ja_cs.out
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' ja_cs.out
}

# ---- Windows (x64: x86_64-pc-windows-gnu; x86: i686-pc-windows-gnu, for 32-bit applications) ----
WIN32_TARGET=i686-pc-windows-gnu
WIN32="$ROOT/target/$WIN32_TARGET/release"
wine_bin() {
    if command -v wine64 >/dev/null; then command -v wine64; else echo /usr/lib/wine/wine64; fi
}
# The 32-bit loader of Debian's wine32:i386 (there is no /usr/bin/wine without the `wine` package).
wine32_bin() {
    if [ -x /usr/lib/wine/wine ]; then echo /usr/lib/wine/wine; else command -v wine; fi
}
# --all-features, like the Linux build: the release archives (scripts/release.sh) build the
# CLI beside the library with the same features, so neither rebuilds the other.
windows_build() {
    cargo build --release --lib --all-features --target "$WIN_TARGET"
    x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only -x c include/onshi.h
}
windows_x86_build() {
    cargo build --release --lib --all-features --target "$WIN32_TARGET"
    i686-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only -x c include/onshi.h
}
# dll_exports OBJDUMP DLL: the DLL's export names, one a line, sorted.
dll_exports() {
    "$1" -p "$2" | awk '/\[Ordinal\/Name Pointer\] Table/ {on=1; next} on && NF == 0 {on=0} on {print $NF}' | sort
}
# dll_check OBJDUMP DLL TAG: exports = the header's functions (undecorated: cdecl, no
# leading underscore, no @n), and no import that would have to be shipped beside the DLL.
dll_check() {
    local objdump=$1 dll=$2 tag=$3
    dll_exports "$objdump" "$dll" >"$OUT/dll-exports-$tag.txt"
    perl -0ne 's{/\*.*?\*/}{}gs; print "$1\n" while /\b(onshi_\w+)\(/g' include/onshi.h | sort -u >"$OUT/header-functions.txt"
    echo "$(wc -l <"$OUT/dll-exports-$tag.txt") exports, $(wc -l <"$OUT/header-functions.txt") header functions"
    diff -u "$OUT/header-functions.txt" "$OUT/dll-exports-$tag.txt"
    "$objdump" -p "$dll" | awk '/DLL Name:/ {print $3}' | sort -u | tee "$OUT/dll-imports-$tag.txt"
    if grep -iE 'libgcc|libwinpthread|libstdc|vcruntime|msvcp' "$OUT/dll-imports-$tag.txt"; then
        echo "the DLL needs a runtime DLL that is not part of Windows"; exit 1
    fi
}
windows_exports() { dll_check x86_64-w64-mingw32-objdump "$WIN/onshi.dll" x64; }
windows_x86_exports() {
    file -b "$WIN32/onshi.dll" | grep -q 'PE32 executable (DLL).*Intel 80386' || { file "$WIN32/onshi.dll"; exit 1; }
    dll_check i686-w64-mingw32-objdump "$WIN32/onshi.dll" x86
}
# run_wine WINE PREFIX DIR EXE ARGS…: runs a test program, then stops that prefix's wineserver.
run_wine() {
    local wine=$1 prefix=$2 dir=$3
    shift 3
    local rc=0
    (cd "$dir" && WINEPREFIX="$prefix" WINEDEBUG=-all "$wine" "$@") || rc=$?
    WINEPREFIX="$prefix" "$(dirname "$wine")/wineserver" -k 2>/dev/null || true
    return "$rc"
}
windows_wine() {
    local dir="$OUT/win"
    mkdir -p "$dir"
    x86_64-w64-mingw32-gcc -shared -O2 -o "$dir/bcryptprimitives.dll" bindings/c/windows/bcryptprimitives_stub.c -ladvapi32
    x86_64-w64-mingw32-gcc "${CFLAGS[@]}" -o "$dir/test_onshi.exe" bindings/c/tests/test_onshi.c "$WIN/libonshi.dll.a"
    cp "$WIN/onshi.dll" "$dir/"
    run_wine "$(wine_bin)" "$ROOT/target/wine-prefix" "$dir" test_onshi.exe wine
}
# The same C test against the 32-bit DLL under 32-bit Wine (WINEARCH=win32: a 32-bit Windows).
# The stub's ProcessPrng is __stdcall, which mingw exports as ProcessPrng@8 on x86; Rust's std
# imports the undecorated name, so the stub is linked with --kill-at.
windows_x86_wine() {
    local dir="$OUT/win32"
    mkdir -p "$dir"
    i686-w64-mingw32-gcc -shared -O2 -Wl,--kill-at -o "$dir/bcryptprimitives.dll" \
        bindings/c/windows/bcryptprimitives_stub.c -ladvapi32
    local exports
    exports=$(i686-w64-mingw32-objdump -p "$dir/bcryptprimitives.dll")
    grep -qE '\] ProcessPrng$' <<<"$exports" ||
        { echo "the stub does not export the undecorated ProcessPrng"; exit 1; }
    i686-w64-mingw32-gcc "${CFLAGS[@]}" -o "$dir/test_onshi.exe" bindings/c/tests/test_onshi.c "$WIN32/libonshi.dll.a"
    file -b "$dir/test_onshi.exe" | grep -q 'PE32 executable.*Intel 80386'
    cp "$WIN32/onshi.dll" "$dir/"
    WINEARCH=win32 run_wine "$(wine32_bin)" "$ROOT/target/wine-prefix32" "$dir" test_onshi.exe wine32
}
# i686-pc-windows-gnu unwinds with DWARF tables; the C ABI's panic guard needs catch_unwind to
# work inside a DLL called from C. A probe DLL built by the same rustc, target and panic
# strategy panics 1, 10 and 100 frames deep and must catch every one (panic=abort would exit).
windows_x86_unwind() {
    local dir="$OUT/win32-unwind"
    mkdir -p "$dir"
    rustc --edition 2024 --crate-type cdylib -C panic=unwind -O --target "$WIN32_TARGET" \
        -o "$dir/unwind_probe.dll" bindings/c/windows/unwind_probe.rs
    i686-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -o "$dir/unwind_probe.exe" \
        bindings/c/windows/unwind_probe.c "$dir/unwind_probe.dll"
    cp "$OUT/win32/bcryptprimitives.dll" "$dir/"
    WINEARCH=win32 run_wine "$(wine32_bin)" "$ROOT/target/wine-prefix32" "$dir" unwind_probe.exe
}

check build build
check header-fresh header_fresh
check csharp-generated-fresh csharp_fresh
check header-compiles header_compiles
check doc-phrases perl bindings/check-doc-phrases.pl include/onshi.h
check c-test c_test
check c-valgrind c_valgrind
check c-asan-ubsan c_sanitizers
check c-misuse c_misuse
check c-misuse-valgrind c_misuse_valgrind
check c-misuse-asan-ubsan c_misuse_sanitizers
check c-misuse-tsan c_misuse_tsan
check cpp-test cpp_test
check csharp-mono csharp_test
check readme-examples examples
if [ "${ONSHI_SKIP_WINDOWS:-0}" = 1 ]; then
    echo "skip   windows checks (ONSHI_SKIP_WINDOWS=1)"
else
    check windows-build windows_build
    check windows-exports windows_exports
    check windows-wine-c-test windows_wine
    check windows-x86-build windows_x86_build
    check windows-x86-exports windows_x86_exports
    check windows-x86-wine-c-test windows_x86_wine
    check windows-x86-unwind windows_x86_unwind
fi

echo "bindings tests took $(($(date +%s) - START)) s (logs: target/bindings-tests/logs)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
