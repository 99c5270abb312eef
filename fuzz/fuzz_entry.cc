// libFuzzer's entry point for one target; ICEGRAPH_FUZZ_ENTRY names the target's function (fuzz/CMakeLists.txt).
#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return icegraph::fuzz::ICEGRAPH_FUZZ_ENTRY(data, size);
}
