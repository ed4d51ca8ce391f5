"""Benchmarks: `make bench` runs every bench/bench_<name>.py; see bench/README.md."""
