"""The benchmark (`python3 -m tests.bench`) and the plain-JS floor extension it measures ours against."""
