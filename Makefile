# The two commands of the README, plus the benchmark. Each installs what it needs first.
.PHONY: embed test bench bench-peers bench-soak docs
embed:
	@bash scripts/embed.sh
test:
	@bash scripts/test.sh
bench:
	@bash scripts/bench.sh
# mullama beside the peers (llama-server, node-llama-cpp, ONNX Runtime, sentence-transformers),
# interleaved in one run; installs them first (several GB). Writes docs/bench/peers.json and the docs' table.
bench-peers:
	@bash scripts/bench-peers.sh $(ARGS)
# Load and soak benchmarks (server latency under load, RSS over 100k embeddings per front end).
bench-soak:
	@bash scripts/bench-soak.sh
# The documentation site as static HTML in target/docs-site.
docs:
	@bash docs/scripts/build.sh
