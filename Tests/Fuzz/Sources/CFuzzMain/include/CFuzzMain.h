#ifndef CHAPD_FUZZ_MAIN_H
#define CHAPD_FUZZ_MAIN_H
/// Runs libFuzzer's driver over this binary's LLVMFuzzerTestOneInput.
int chapd_fuzz_main(int argc, char **argv);
#endif
