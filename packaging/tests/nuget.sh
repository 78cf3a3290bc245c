#!/usr/bin/env bash
# The NuGet package (scripts/nuget-pack.sh):
#   * the package holds the assembly (net462, version, XML docs), the MSBuild targets, the
#     licences, the README, the message catalogue and all three native libraries of the right
#     architecture; the same check fails on a package with one native library taken out;
#   * nuget-pack.sh refuses to pack when a native library is missing;
#   * a fresh consumer project (a .NET Framework project as NuGet writes it for packages.config:
#     HintPath to lib/net462, Import of build/net462/Onshi.targets) installs Onshi from a local
#     folder feed with Debian's nuget, builds with xbuild and runs under Mono — the seed flow
#     of docs/ja/seed-flow.md; the build output has libonshi.so, x86\onshi.dll, x64\onshi.dll.
# Needs: mono-devel (mcs, the 4.6.2 reference assemblies), mono-xbuild, nuget, file, unzip,
# and the three native builds (bindings/run-tests.sh makes them).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=packaging/tests/lib.sh
. "$ROOT/packaging/tests/lib.sh"
VERSION=$(cd "$ROOT" && cargo pkgid | sed 's/.*[#@]//')
NUM=${VERSION%%[-+]*}
PKG="$T/feed/Onshi.$VERSION.nupkg"


pack() {
    bash "$ROOT/scripts/nuget-pack.sh" --out "$T/feed"
    test -f "$PKG"
    ls -la "$PKG"
}

# verify_package NUPKG: every file a vendor needs, and each native library of its architecture.
verify_package() {
    local pkg=$1 d
    d=$(mktemp -d -p "$T")
    unzip -q "$pkg" -d "$d"
    local need=(Onshi.nuspec lib/net462/Onshi.dll lib/net462/Onshi.xml build/net462/Onshi.targets
        runtimes/win-x64/native/onshi.dll runtimes/win-x86/native/onshi.dll runtimes/linux-x64/native/libonshi.so
        README.md LICENSE-MIT LICENSE-APACHE docs/messages.json docs/messages.csv)
    local f
    for f in "${need[@]}"; do
        [ -f "$d/$f" ] || { echo "the package lacks $f"; return 1; }
    done
    file -b "$d/runtimes/win-x64/native/onshi.dll" | grep -q 'PE32+ executable (DLL).*x86-64'
    file -b "$d/runtimes/win-x86/native/onshi.dll" | grep -q 'PE32 executable (DLL).*Intel 80386'
    file -b "$d/runtimes/linux-x64/native/libonshi.so" | grep -q 'ELF 64-bit LSB shared object, x86-64'
    grep -q "<version>$VERSION</version>" "$d/Onshi.nuspec"
    grep -q '<member name="T:Onshi.Client">' "$d/lib/net462/Onshi.xml"
    # Stripped: no DWARF sections left in the shipped libraries.
    ! grep -q '\.debug_' <<<"$(x86_64-w64-mingw32-objdump -h "$d/runtimes/win-x64/native/onshi.dll")"
    ! grep -q '\.debug_' <<<"$(objdump -h "$d/runtimes/linux-x64/native/libonshi.so")"
    du -b "$d/runtimes"/*/native/* | sed 's/^/  /'
}

package_contents() { verify_package "$PKG"; }

missing_asset_detected() {
    # The test's own check must fail on a package without one native library …
    cp "$PKG" "$T/broken.nupkg"
    zip -q -d "$T/broken.nupkg" 'runtimes/win-x86/native/onshi.dll'
    if verify_package "$T/broken.nupkg" >"$T/broken.out" 2>&1; then
        echo "a package without runtimes/win-x86/native/onshi.dll passed the check"; return 1
    fi
    grep 'lacks runtimes/win-x86/native/onshi.dll' "$T/broken.out"
    # … and the pack script must refuse to make one.
    local native="$T/native"
    mkdir -p "$native/win-x64" "$native/linux-x64" "$native/win-x86"
    cp "$ROOT/target/x86_64-pc-windows-gnu/release/onshi.dll" "$native/win-x64/"
    cp "$ROOT/target/release/libonshi.so" "$native/linux-x64/"
    if bash "$ROOT/scripts/nuget-pack.sh" --out "$T/nofeed" --native "$native" >"$T/nopack.out" 2>&1; then
        echo "nuget-pack.sh packed without win-x86"; return 1
    fi
    grep 'missing native asset runtimes/win-x86/native/onshi.dll' "$T/nopack.out"
    ! ls "$T/nofeed"/*.nupkg 2>/dev/null
    # A library of the wrong architecture in a slot is refused too.
    cp "$ROOT/target/x86_64-pc-windows-gnu/release/onshi.dll" "$native/win-x86/"
    if bash "$ROOT/scripts/nuget-pack.sh" --out "$T/nofeed" --native "$native" >"$T/wrongarch.out" 2>&1; then
        echo "nuget-pack.sh packed a 64-bit DLL as win-x86"; return 1
    fi
    grep 'is not a PE32 executable' "$T/wrongarch.out"
}

# The assembly: .NET Framework 4.6.2, the package's version, only framework references.
assembly_metadata() {
    local d="$T/asm"
    mkdir -p "$d"
    unzip -q -o "$PKG" lib/net462/Onshi.dll -d "$d"
    cat >"$d/Inspect.cs" <<'CS'
using System;
using System.Reflection;
static class Inspect
{
    static int Main(string[] args)
    {
        var asm = Assembly.ReflectionOnlyLoadFrom(args[0]);
        Console.WriteLine("name " + asm.GetName().Name + " " + asm.GetName().Version);
        foreach (var r in asm.GetReferencedAssemblies()) Console.WriteLine("ref " + r.Name + " " + r.Version);
        foreach (var a in CustomAttributeData.GetCustomAttributes(asm))
            if (a.AttributeType.Name == "TargetFrameworkAttribute" || a.AttributeType.Name == "AssemblyInformationalVersionAttribute")
                Console.WriteLine("attr " + a.ConstructorArguments[0].Value);
        return 0;
    }
}
CS
    mcs -out:"$d/Inspect.exe" "$d/Inspect.cs"
    mono "$d/Inspect.exe" "$d/lib/net462/Onshi.dll" | tee "$d/out.txt"
    grep -qx "name Onshi $NUM.0" "$d/out.txt"
    grep -qx 'attr .NETFramework,Version=v4.6.2' "$d/out.txt"
    grep -qx "attr $VERSION" "$d/out.txt"
    ! grep '^ref ' "$d/out.txt" | grep -vE '^ref (mscorlib|System|System\.Core) 4\.0\.0\.0$'
}

consumer() {
    local c="$T/consumer"
    mkdir -p "$c"
    cd "$c"
    # The seed flow of the Japanese guide, as the vendor's program.
    awk '$0 == "```csharp" {on=1; next} /^```/ {on=0} on' "$ROOT/docs/ja/seed-flow.md" >Program.cs
    grep -q 'static int Main' Program.cs
    nuget install Onshi -Version "$VERSION" -Source "$T/feed" -OutputDirectory packages -NonInteractive
    local p="packages/Onshi.$VERSION"
    test -f "$p/lib/net462/Onshi.dll"
    cat >Consumer.csproj <<EOF2
<?xml version="1.0" encoding="utf-8"?>
<Project ToolsVersion="14.0" DefaultTargets="Build" xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
  <PropertyGroup>
    <Configuration Condition=" '\$(Configuration)' == '' ">Release</Configuration>
    <Platform Condition=" '\$(Platform)' == '' ">AnyCPU</Platform>
    <OutputType>Exe</OutputType>
    <RootNamespace>Consumer</RootNamespace>
    <AssemblyName>Consumer</AssemblyName>
    <TargetFrameworkVersion>v4.6.2</TargetFrameworkVersion>
    <LangVersion>7</LangVersion>
    <OutputPath>bin\\Release\\</OutputPath>
    <Prefer32Bit>false</Prefer32Bit>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="System" />
    <Reference Include="Onshi">
      <HintPath>$p\\lib\\net462\\Onshi.dll</HintPath>
    </Reference>
  </ItemGroup>
  <ItemGroup>
    <Compile Include="Program.cs" />
  </ItemGroup>
  <Import Project="\$(MSBuildToolsPath)\\Microsoft.CSharp.targets" />
  <Import Project="$p\\build\\net462\\Onshi.targets" Condition="Exists('$p\\build\\net462\\Onshi.targets')" />
</Project>
EOF2
    xbuild /nologo /verbosity:minimal Consumer.csproj
    local out=bin/Release
    ls -R "$out"
    test -f "$out/Consumer.exe" && test -f "$out/Onshi.dll"
    # IntelliSense reads the XML docs beside the referenced DLL in the package folder.
    test -f "$p/lib/net462/Onshi.xml"
    file -b "$out/libonshi.so" | grep -q 'ELF 64-bit'
    file -b "$out/x86/onshi.dll" | grep -q 'PE32 executable (DLL).*Intel 80386'
    file -b "$out/x64/onshi.dll" | grep -q 'PE32+ executable (DLL).*x86-64'
    # Run from another folder, with no library path: Mono loads libonshi.so next to the exe.
    mkdir -p run && cd run
    env -u LD_LIBRARY_PATH mono ../$out/Consumer.exe | tee out.txt
    grep -q '判定: 反映を推奨' out.txt
    grep -q '住所（反映後）: 東京都見本区見本町一丁目１番１号' out.txt
}

# The preloader of the package's assembly runs before the first call (as a static constructor
# of NativeMethods), and is a no-op off Windows.
preloader_runs_first() {
    local d="$T/preload"
    mkdir -p "$d"
    cp "$T/consumer/bin/Release/Onshi.dll" "$T/consumer/bin/Release/libonshi.so" "$d/"
    cat >"$d/Probe.cs" <<'CS'
using System;
using System.Reflection;
static class Probe
{
    static bool Attempted()
    {
        var t = typeof(Onshi.Codes).Assembly.GetType("Onshi.NativeLoader", true);
        return (bool)t.GetProperty("Attempted", BindingFlags.Static | BindingFlags.NonPublic).GetValue(null);
    }
    static int Main()
    {
        bool before = Attempted();
        string label = Onshi.Codes.Label(Onshi.CodeTable.QualificationValidity, "4");
        bool after = Attempted();
        Console.WriteLine("before " + before + ", after " + after + ", " + label);
        return !before && after && label == "該当資格なし" ? 0 : 1;
    }
}
CS
    mcs -r:"$d/Onshi.dll" -out:"$d/Probe.exe" "$d/Probe.cs"
    (cd "$d" && env -u LD_LIBRARY_PATH mono Probe.exe)
}

# bindings/csharp/Onshi.csproj (for building from source with the .NET SDK) says the same version.
csproj_version() { grep -q "<Version>$VERSION</Version>" "$ROOT/bindings/csharp/Onshi.csproj"; }

step csproj-version csproj_version
step pack pack
step package-contents package_contents
step missing-native-asset-detected missing_asset_detected
step assembly-net462 assembly_metadata
step consumer-from-folder-feed consumer
step preloader-runs-first preloader_runs_first
finish
