# The two commands of the README, plus the benchmark. Each installs what it needs first.
.PHONY: embed test bench docs
embed:
	@bash scripts/embed.sh
test:
	@bash scripts/test.sh
bench:
	@bash scripts/bench.sh
# The documentation site as static HTML in target/docs-site.
docs:
	@bash docs/scripts/build.sh
