# The two commands of the README. Each installs what it needs first.
.PHONY: serve test bench bench-storage

serve:
	scripts/setup build
	PATH="$$HOME/.cargo/bin:$$PATH" trunk serve --offline

test:
	scripts/test

# The benchmark of issue 3: prints a table, writes bench/results.json.
bench:
	scripts/bench

# Issue 10's long runs: how long after an edit a killed browser loses it
# (prints a table), and the soak of 1,000 random edits across two tabs.
bench-storage:
	scripts/setup test
	PATH="$$HOME/.cargo/bin:$$PATH" trunk build --release --offline
	PATH="$$HOME/.cargo/bin:$$PATH" cargo test --locked --test kill_window
	SOAK_EDITS=1000 PATH="$$HOME/.cargo/bin:$$PATH" cargo test --locked --test e2e -- --nocapture soak
