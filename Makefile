# The two commands of the README. Each installs what it needs first.
.PHONY: serve test bench bench-kill

serve:
	scripts/setup build
	PATH="$$HOME/.cargo/bin:$$PATH" trunk serve --offline

test:
	scripts/test

# The benchmark of issue 3: prints a table, writes bench/results.json.
bench:
	scripts/bench

# How long after an edit a killed browser loses it (issue 10): prints a table.
bench-kill:
	scripts/setup test
	PATH="$$HOME/.cargo/bin:$$PATH" trunk build --release --offline
	PATH="$$HOME/.cargo/bin:$$PATH" cargo test --locked --test kill_window
