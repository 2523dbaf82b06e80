# The two commands of the README. Each installs what it needs first.
.PHONY: serve test

serve:
	scripts/setup build
	PATH="$$HOME/.cargo/bin:$$PATH" trunk serve --offline

test:
	scripts/test
