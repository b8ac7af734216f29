"""Small data folders in the upstream benchmarks' own layouts, for tests (one module per family)."""
