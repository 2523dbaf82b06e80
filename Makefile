# The two commands of the README. Each installs what it needs first.
.PHONY: serve test bench

serve:
	scripts/setup build
	PATH="$$HOME/.cargo/bin:$$PATH" trunk serve --offline

test:
	scripts/test

# The benchmark of issue 3: prints a table, writes bench/results.json.
bench:
	scripts/bench
