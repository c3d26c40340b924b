#include <stddef.h>
#include <stdint.h>
#include "CFuzzMain.h"

// Both come from libFuzzer (-sanitize=fuzzer) and the target's Swift code respectively.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int chapd_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
