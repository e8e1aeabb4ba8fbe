// Benchmarks: filled by the tensor-core work.
print("no benchmarks yet")
