#!/usr/bin/env bash
# The C/C++ install layout (scripts/install.sh): installs into a temporary prefix, checks the
# files, the SONAME and the symlinks, then builds from that prefix only — nothing of the
# checkout on any path:
#   * a C consumer with pkg-config (the C example of bindings/README.md: the seed operation
#     against the emulator), shared and static, and ABI.md's compatibility check;
#   * a C++ consumer with CMake, find_package(onshi 0.1 CONFIG) and onshi::onshi (the C++
#     example of the Japanese guide, docs/ja/seed-flow.md), and the version file refusing 0.2
#     and 1.0;
#   * the same CMake consumer after the prefix was moved (the CMake files are relocatable).
# Needs: cargo, gcc, g++, cmake, pkg-config, patchelf, readelf.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=packaging/tests/lib.sh
. "$ROOT/packaging/tests/lib.sh"
P="$T/prefix"
VERSION=$(cd "$ROOT" && cargo pkgid | sed 's/.*[#@]//')
IFS=. read -r MAJOR MINOR PATCH <<<"$VERSION"


install_prefix() { bash "$ROOT/scripts/install.sh" --prefix "$P"; }

layout() {
    local real="libonshi.so.$VERSION" so="libonshi.so.$MAJOR.$MINOR"
    [ "$MAJOR" = 0 ] || so="libonshi.so.$MAJOR"
    test -f "$P/lib/$real" && ! test -L "$P/lib/$real"
    [ "$(readlink "$P/lib/$so")" = "$real" ]
    [ "$(readlink "$P/lib/libonshi.so")" = "$real" ]
    readelf -d "$P/lib/$real" | tee "$T/dynamic.txt" | grep -F "Library soname: [$so]"
    test -f "$P/lib/libonshi.a"
    cmp "$P/include/onshi/onshi.h" "$ROOT/include/onshi.h"
    cmp "$P/include/onshi/onshi.hpp" "$ROOT/bindings/cpp/onshi.hpp"
    test -f "$P/lib/pkgconfig/onshi.pc"
    test -f "$P/lib/cmake/onshi/onshiConfig.cmake"
    test -f "$P/lib/cmake/onshi/onshiConfigVersion.cmake"
    (cd "$P" && find . | sort)
}

# The examples as a vendor would copy them, in a folder of their own: C from bindings/README.md,
# C++ from the Japanese guide.
extract() { awk -v lang="$1" '$0 == "```" lang {on=1; next} /^```/ {on=0} on' "$2"; }
mkdir -p "$T/c" "$T/cpp"
extract c "$ROOT/bindings/README.md" >"$T/c/example.c"
extract cpp "$ROOT/docs/ja/seed-flow.md" >"$T/cpp/example.cpp"
# ABI.md's start-up check, as a program: exit 0 when the loaded library fits the header.
{
    echo '#include <onshi.h>'
    echo '#include <stdio.h>'
    awk '$0 == "```c" {on=1; next} /^```/ {on=0} on' "$ROOT/ABI.md"
    echo 'int main(void) { printf("header %s, library %u\n", ONSHI_VERSION_STRING, onshi_version_number()); return onshi_compatible() ? 0 : 1; }'
} >"$T/c/compat.c"

# onshi.pc from the prefix; libpcsclite.pc (Requires.private) from the system.
pc() { PKG_CONFIG_PATH="$P/lib/pkgconfig" pkg-config "$@"; }

pkgconfig_c() {
    [ "$(pc --modversion onshi)" = "$VERSION" ]
    grep -qF -- "-I$P/include/onshi" <<<"$(pc --cflags onshi)"
    cd "$T/c"
    # shellcheck disable=SC2046
    gcc -std=c11 -Wall -Wextra -Werror $(pc --cflags onshi) -o example example.c $(pc --libs onshi) -Wl,-rpath,"$P/lib"
    gcc -std=c11 -Wall -Wextra -Werror $(pc --cflags onshi) -o compat compat.c $(pc --libs onshi) -Wl,-rpath,"$P/lib"
    # The program records the SONAME and finds it in the prefix.
    readelf -d example | grep -F "Shared library: [libonshi.so.$MAJOR.$MINOR]"
    ldd example | grep -F "libonshi.so.$MAJOR.$MINOR => $P/lib/libonshi.so.$MAJOR.$MINOR"
    ./compat
    ./example | tee example.out
    grep -q '判定: 反映を推奨' example.out
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' example.out
}

pkgconfig_c_static() {
    cd "$T/c"
    # libonshi.a and what `pkg-config --static` adds (Libs.private, libpcsclite).
    # shellcheck disable=SC2046
    gcc -std=c11 -Wall -Wextra -Werror $(pc --cflags onshi) -o example_static example.c \
        -L"$P/lib" -l:libonshi.a $(pc --static --libs onshi | sed 's/ -lonshi\b/ /')
    ! grep -q libonshi <<<"$(ldd example_static)"
    rm -rf oqs && grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' <<<"$(./example_static)"
}

cmake_project() {
    local dir=$1 want=$2
    mkdir -p "$dir"
    cp "$T/cpp/example.cpp" "$dir/"
    cat >"$dir/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.16)
project(onshi_consumer CXX)
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
find_package(onshi $want CONFIG REQUIRED)
message(STATUS "onshi \${onshi_VERSION} from \${onshi_DIR}")
add_executable(example example.cpp)
target_link_libraries(example PRIVATE onshi::onshi)
add_executable(example_static example.cpp)
target_link_libraries(example_static PRIVATE onshi::onshi_static)
EOF
}

cmake_cpp() {
    cmake_project "$T/cmake" "$MAJOR.$MINOR"
    cmake -S "$T/cmake" -B "$T/cmake/build" -DCMAKE_PREFIX_PATH="$P" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        | tee "$T/cmake.configure"
    grep -F "onshi $VERSION from $P/lib/cmake/onshi" "$T/cmake.configure"
    cmake --build "$T/cmake/build" -j 2
    cd "$T/cmake/build"
    readelf -d example | grep -F "Shared library: [libonshi.so.$MAJOR.$MINOR]"
    ./example | tee out.txt
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' out.txt
    grep -q 'ONSHI_ID_LENGTH' out.txt
    ! grep -q libonshi <<<"$(ldd example_static)"
    rm -rf oqs-ja-cpp && grep -q '住所（反映後）' <<<"$(./example_static)"
}

cmake_version_refused() {
    local v
    for v in "$MAJOR.$((MINOR + 1))" "$((MAJOR + 1)).0" "$MAJOR.$MINOR.$((PATCH + 1))"; do
        cmake_project "$T/refuse-$v" "$v"
        if cmake -S "$T/refuse-$v" -B "$T/refuse-$v/build" -DCMAKE_PREFIX_PATH="$P" >"$T/refuse-$v.log" 2>&1; then
            echo "find_package(onshi $v) accepted onshi $VERSION"; exit 1
        fi
        grep -q "onshi" "$T/refuse-$v.log"
        echo "refused $v: $(grep -m1 -o 'version: [^ ]*' "$T/refuse-$v.log" || true)"
    done
    cmake_project "$T/exact" "$VERSION EXACT"
    cmake -S "$T/exact" -B "$T/exact/build" -DCMAKE_PREFIX_PATH="$P" >/dev/null
}

moved_prefix() {
    mv "$P" "$T/moved"
    cmake_project "$T/cmake-moved" "$MAJOR.$MINOR"
    cmake -S "$T/cmake-moved" -B "$T/cmake-moved/build" -DCMAKE_PREFIX_PATH="$T/moved" >/dev/null
    cmake --build "$T/cmake-moved/build" -j 2 --target example
    cd "$T/cmake-moved/build" && grep -q '住所（反映後）' <<<"$(./example)"
    mv "$T/moved" "$P"
}

step install install_prefix
step layout-and-soname layout
step pkgconfig-c-consumer pkgconfig_c
step pkgconfig-c-static pkgconfig_c_static
step cmake-cpp-consumer cmake_cpp
step cmake-version-file cmake_version_refused
step cmake-relocatable moved_prefix
finish
