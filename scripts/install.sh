#!/usr/bin/env bash
# Installs onshi for C and C++ in the layout cargo-c gives a Rust library (rav1e, librsvg …):
#
#   PREFIX/include/onshi/onshi.h, onshi.hpp      (Cflags: -I${includedir}/onshi)
#   PREFIX/lib/libonshi.so.X.Y.Z                 the shared library, SONAME libonshi.so.X.Y for 0.x
#   PREFIX/lib/libonshi.so.X.Y -> libonshi.so.X.Y.Z, libonshi.so -> libonshi.so.X.Y.Z
#   PREFIX/lib/libonshi.a                        the static library
#   PREFIX/lib/pkgconfig/onshi.pc
#   PREFIX/lib/cmake/onshi/onshiConfig.cmake, onshiConfigVersion.cmake   (target onshi::onshi)
# and for Windows (x86_64-/i686-pc-windows-gnu):
#   PREFIX/bin/onshi.dll, PREFIX/lib/libonshi.dll.a (MinGW import library),
#   PREFIX/lib/onshi.def and onshi.lib (import library for MSVC, made from the .def),
#   PREFIX/lib/libonshi.a, and the same include/, pkgconfig/ and cmake/ files.
#
# The SONAME follows cargo-c's rule (its LibraryCApiConfig::sover): "0.0.P" for 0.0.P,
# "0.M" for 0.M.P, "X" for X.M.P (X >= 1) — for 0.x the minor version is the major one.
#
#   bash scripts/install.sh --prefix /usr/local [--destdir DIR] [--libdir lib]
#        [--target TRIPLE] [--features LIST] [--relocatable] [--no-build]
#
# The library is built with all features (card: PC/SC, links libpcsclite / WinSCard), as the
# tests and the release archives build it, unless --features names others.
# --relocatable writes onshi.pc with prefix=${pcfiledir}/… so that the tree can be moved
# (release archives); the CMake files are always relocatable. --no-build takes the library
# from target/ as it is. Needs: cargo, patchelf (Linux), the mingw-w64 binutils (Windows).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/usr/local
DESTDIR=""
LIBDIR=lib
TARGET=""
FEATURES=all
RELOCATABLE=0
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
    --prefix) PREFIX=$2; shift 2 ;;
    --destdir) DESTDIR=$2; shift 2 ;;
    --libdir) LIBDIR=$2; shift 2 ;;
    --target) TARGET=$2; shift 2 ;;
    --features) FEATURES=$2; shift 2 ;;
    --relocatable) RELOCATABLE=1; shift ;;
    --no-build) BUILD=0; shift ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$PREFIX" in /*) ;; *) echo "install.sh: --prefix must be absolute" >&2; exit 2 ;; esac
case "$LIBDIR" in /* | *..*) echo "install.sh: --libdir is relative to the prefix" >&2; exit 2 ;; esac

HOST=$(rustc -vV | sed -n 's/^host: //p')
TARGET=${TARGET:-$HOST}
VERSION=$(sed -n '/^\[package\]/,/^\[/ s/^version *= *"\([^"]*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)
IFS=. read -r MAJOR MINOR PATCH <<<"$VERSION"
PATCH=${PATCH%%[-+]*}
if [ "$MAJOR" = 0 ] && [ "$MINOR" = 0 ]; then SOVER="0.0.$PATCH"
elif [ "$MAJOR" = 0 ]; then SOVER="0.$MINOR"
else SOVER="$MAJOR"; fi

if [ "$TARGET" = "$HOST" ]; then OUT="$ROOT/target/release"; TARGET_ARGS=(); else
    OUT="$ROOT/target/$TARGET/release"; TARGET_ARGS=(--target "$TARGET"); fi
if [ "$BUILD" = 1 ]; then
    if [ "$FEATURES" = all ]; then FEATURE_ARGS=(--all-features); else FEATURE_ARGS=(--features "$FEATURES"); fi
    (cd "$ROOT" && cargo build --release --lib "${FEATURE_ARGS[@]}" "${TARGET_ARGS[@]}")
fi

DEST="$DESTDIR$PREFIX"
INC="$DEST/include/onshi"
LIB="$DEST/$LIBDIR"
mkdir -p "$INC" "$LIB/pkgconfig" "$LIB/cmake/onshi"
install -m 0644 "$ROOT/include/onshi.h" "$INC/onshi.h"
install -m 0644 "$ROOT/bindings/cpp/onshi.hpp" "$INC/onshi.hpp"
install -m 0644 "$OUT/libonshi.a" "$LIB/libonshi.a"

case "$TARGET" in
*-linux-*)
    KIND=linux
    REAL="libonshi.so.$VERSION"
    SONAME="libonshi.so.$SOVER"
    install -m 0755 "$OUT/libonshi.so" "$LIB/$REAL"
    patchelf --set-soname "$SONAME" "$LIB/$REAL"
    [ "$SONAME" = "$REAL" ] || ln -sfn "$REAL" "$LIB/$SONAME"
    ln -sfn "$REAL" "$LIB/libonshi.so"
    # What a static link needs besides libonshi.a (rustc --print native-static-libs for this
    # target, plus libpcsclite for the card feature).
    PRIVATE="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
    REQUIRES_PRIVATE=""
    case ",$FEATURES," in *,card,* | ,all,) REQUIRES_PRIVATE="libpcsclite" ;; esac
    ;;
*-windows-gnu)
    KIND=windows
    case "$TARGET" in x86_64-*) TOOL=x86_64-w64-mingw32; MACHINE=i386:x86-64 ;;
        i686-*) TOOL=i686-w64-mingw32; MACHINE=i386 ;;
        *) echo "install.sh: unsupported target $TARGET" >&2; exit 2 ;; esac
    mkdir -p "$DEST/bin"
    install -m 0755 "$OUT/onshi.dll" "$DEST/bin/onshi.dll"
    install -m 0644 "$OUT/libonshi.dll.a" "$LIB/libonshi.dll.a"
    # The .def lists the DLL's exports (all undecorated: cdecl); MSVC users can also make
    # their own import library from it with `lib /def:onshi.def /machine:x64|x86`.
    {
        echo "LIBRARY onshi.dll"
        echo "EXPORTS"
        "$TOOL-objdump" -p "$OUT/onshi.dll" |
            awk '/\[Ordinal\/Name Pointer\] Table/ {on=1; next} on && NF == 0 {on=0} on {print "    " $NF}'
    } >"$LIB/onshi.def"
    "$TOOL-dlltool" -m "$MACHINE" -d "$LIB/onshi.def" -D onshi.dll -l "$LIB/onshi.lib"
    PRIVATE="-lkernel32 -ladvapi32 -lntdll -luserenv -lws2_32 -lwinscard -lbcrypt"
    REQUIRES_PRIVATE=""
    ;;
*) echo "install.sh: unsupported target $TARGET" >&2; exit 2 ;;
esac

# pkg-config.
if [ "$RELOCATABLE" = 1 ]; then
    up=$(echo "$LIBDIR/pkgconfig" | awk -F/ '{ s = ""; for (i = 1; i <= NF; i++) if ($i != "" && $i != ".") s = s "/.."; print s }')
    PC_PREFIX="\${pcfiledir}$up"
else
    PC_PREFIX="$PREFIX"
fi
cat >"$LIB/pkgconfig/onshi.pc" <<EOF
prefix=$PC_PREFIX
exec_prefix=\${prefix}
libdir=\${prefix}/$LIBDIR
includedir=\${prefix}/include

Name: onshi
Description: オンライン資格確認 for clinic software (terminal files, diff, history, My Number card)
Version: $VERSION
URL: https://crates.io/crates/onshi
Libs: -L\${libdir} -lonshi
Libs.private: $PRIVATE
Requires.private: $REQUIRES_PRIVATE
Cflags: -I\${includedir}/onshi
EOF
chmod 0644 "$LIB/pkgconfig/onshi.pc"

# CMake package: find_package(onshi 0.1 CONFIG) → onshi::onshi (shared) and
# onshi::onshi_static. The prefix is found from the file's own place, so the tree can move.
up_cmake=$(echo "$LIBDIR/cmake/onshi" | awk -F/ '{ s = ""; for (i = 1; i <= NF; i++) if ($i != "" && $i != ".") s = s "/.."; print s }')
if [ "$KIND" = linux ]; then
    SHARED_PROPS="IMPORTED_LOCATION \"\${_onshi_prefix}/$LIBDIR/libonshi.so.$VERSION\"
    IMPORTED_SONAME \"libonshi.so.$SOVER\""
    STATIC_LIBS="Threads::Threads;\${CMAKE_DL_LIBS};m;rt;util"
    case ",$FEATURES," in *,card,* | ,all,) STATIC_LIBS="$STATIC_LIBS;pcsclite" ;; esac
    THREADS="find_dependency(Threads)"
else
    SHARED_PROPS="IMPORTED_LOCATION \"\${_onshi_prefix}/bin/onshi.dll\"
    IMPORTED_IMPLIB \"\${_onshi_implib}\""
    STATIC_LIBS="kernel32;advapi32;ntdll;userenv;ws2_32;winscard;bcrypt"
    THREADS=""
fi
cat >"$LIB/cmake/onshi/onshiConfig.cmake" <<EOF
# CMake package of onshi $VERSION, written by onshi's scripts/install.sh.
#   find_package(onshi $MAJOR.$MINOR CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE onshi::onshi)          # shared library
#   target_link_libraries(app PRIVATE onshi::onshi_static)   # static library (GCC/MinGW, not MSVC)
include(CMakeFindDependencyMacro)
$THREADS
get_filename_component(_onshi_prefix "\${CMAKE_CURRENT_LIST_DIR}$up_cmake" ABSOLUTE)
set(onshi_VERSION "$VERSION")
set(onshi_INCLUDE_DIRS "\${_onshi_prefix}/include/onshi")
if(MSVC)
  set(_onshi_implib "\${_onshi_prefix}/$LIBDIR/onshi.lib")
else()
  set(_onshi_implib "\${_onshi_prefix}/$LIBDIR/libonshi.dll.a")
endif()
if(NOT TARGET onshi::onshi)
  add_library(onshi::onshi SHARED IMPORTED)
  set_target_properties(onshi::onshi PROPERTIES
    $SHARED_PROPS
    INTERFACE_INCLUDE_DIRECTORIES "\${onshi_INCLUDE_DIRS}")
endif()
if(NOT TARGET onshi::onshi_static)
  add_library(onshi::onshi_static STATIC IMPORTED)
  set_target_properties(onshi::onshi_static PROPERTIES
    IMPORTED_LOCATION "\${_onshi_prefix}/$LIBDIR/libonshi.a"
    INTERFACE_INCLUDE_DIRECTORIES "\${onshi_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "$STATIC_LIBS")
endif()
set(onshi_LIBRARIES onshi::onshi)
unset(_onshi_implib)
unset(_onshi_prefix)
EOF
PTR_SIZE=8
case "$TARGET" in i686-*) PTR_SIZE=4 ;; esac
cat >"$LIB/cmake/onshi/onshiConfigVersion.cmake" <<EOF
# Version of the onshi package: compatible with a request for the same major version, and
# while the major version is 0, the same minor version (0.1 and 0.2 are incompatible), as
# ABI.md states. Unsuitable for a build of another pointer size (win-x86 vs win-x64).
set(PACKAGE_VERSION "$VERSION")
if("\${PACKAGE_FIND_VERSION}" STREQUAL "")
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
elseif(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL "$MAJOR")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif("$MAJOR" STREQUAL "0" AND NOT PACKAGE_FIND_VERSION_MINOR STREQUAL "$MINOR")
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
if(CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P STREQUAL "$PTR_SIZE")
  math(EXPR _onshi_bits "$PTR_SIZE * 8")
  set(PACKAGE_VERSION "\${PACKAGE_VERSION} (\${_onshi_bits}-bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
  unset(_onshi_bits)
endif()
EOF
chmod 0644 "$LIB/cmake/onshi/"*.cmake
echo "installed onshi $VERSION ($TARGET) into $DEST"
