/*
 * Test-only stand-in for bcryptprimitives.dll under Wine 8.
 *
 * Rust's standard library (1.78 and later) imports ProcessPrng from bcryptprimitives.dll,
 * which Wine 8.0 (Debian 12) does not provide, so any Rust DLL fails to load there. This stub
 * exports ProcessPrng on top of advapi32's RtlGenRandom (SystemFunction036). It is copied next
 * to the test executable only; real Windows has the genuine DLL and never sees this file.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll bcryptprimitives_stub.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000u ? 0x40000000u : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
