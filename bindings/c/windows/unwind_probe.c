/* Calls unwind_probe.dll (see unwind_probe.rs): a panic 1, 10 and 100 frames deep must be
 * caught inside the DLL, with every frame's value dropped, and the process must go on. */
#include <stdint.h>
#include <stdio.h>

uint32_t probe_catch(uint32_t depth);

int main(void) {
    int failed = 0;
    const uint32_t depths[] = {0, 9, 99};
    for (int i = 0; i < 3; i++) {
        uint32_t got = probe_catch(depths[i]);
        uint32_t want = 1000 + depths[i] + 1;
        printf("%s panic %u frames deep: %u (want %u)\n", got == want ? "ok    " : "FAILED", depths[i] + 1, got, want);
        if (got != want) failed++;
    }
    printf("%d passed, %d failed\n", 3 - failed, failed);
    return failed != 0;
}
