"""Benchmarks (`make bench`): each `bench/bench_*.py` has a `main()` that prints its figures."""
