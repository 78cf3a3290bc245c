// Part of the NuGet package's assembly only (scripts/nuget-pack.sh compiles it with
// bindings/csharp/src/*.cs): picks the onshi.dll of the process's bitness on .NET Framework.
//
// .NET Framework applications are often AnyCPU: the same exe runs 32-bit or 64-bit depending
// on the machine and on "Prefer 32-bit". build/net462/Onshi.targets copies both DLLs into the
// application's folder as x86\onshi.dll and x64\onshi.dll; before the first call into the
// library, this loads the one that matches IntPtr.Size, so that [DllImport("onshi")] finds it
// already in the process. An onshi.dll next to the application (a RuntimeIdentifier build, or
// one the vendor placed there) wins and nothing is preloaded. .NET 6+ resolves
// runtimes/<rid>/native itself, and Mono on Linux loads libonshi.so from the application's
// folder: nothing to do there either.
using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Onshi
{
    internal static partial class NativeMethods
    {
        static NativeMethods()
        {
            NativeLoader.Preload();
        }
    }

    /// <summary>Loads the onshi.dll of the process's bitness from x86\ or x64\ (Windows only).</summary>
    internal static class NativeLoader
    {
        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
        private static extern IntPtr LoadLibraryW(string path);

        /// <summary>The file that was preloaded, or null.</summary>
        internal static string Loaded { get; private set; }

        /// <summary>True once Preload ran (the package test checks it ran before the first call).</summary>
        internal static bool Attempted { get; private set; }

        internal static void Preload()
        {
            Attempted = true;
            if (Environment.OSVersion.Platform != PlatformID.Win32NT)
            {
                return;
            }
            string dir = AppDomain.CurrentDomain.BaseDirectory;
            if (string.IsNullOrEmpty(dir) || File.Exists(Path.Combine(dir, "onshi.dll")))
            {
                return;
            }
            string path = Path.Combine(Path.Combine(dir, IntPtr.Size == 8 ? "x64" : "x86"), "onshi.dll");
            if (File.Exists(path) && LoadLibraryW(path) != IntPtr.Zero)
            {
                Loaded = path;
            }
        }
    }
}
