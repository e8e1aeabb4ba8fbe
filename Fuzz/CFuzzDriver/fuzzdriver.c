// The target exists only for its header: LLVMFuzzerRunDriver itself comes from libFuzzer, which
// `-sanitize=fuzzer` links in (make fuzz).
#include "fuzzdriver.h"
