# Two commands on a fresh machine: `make run` and `make test`.
.PHONY: run test setup lint typecheck messages bench-import bench-search clean

HOST ?= 127.0.0.1
PORT ?= 8000

setup:
	BIBLIOHUB_SETUP=minimal scripts/setup.sh

run: setup
	.venv/bin/bibliohub init
	.venv/bin/bibliohub demo --if-empty --address http://$(HOST):$(PORT)/
	.venv/bin/bibliohub serve --host $(HOST) --port $(PORT)

test:
	scripts/setup.sh
	scripts/test.sh

lint:
	.venv/bin/ruff check bibliohub tests bench
	.venv/bin/ruff format --check bibliohub tests bench
	.venv/bin/lint-imports --no-cache --no-logo

typecheck:
	.venv/bin/mypy bibliohub

# Extract every translatable string into the five catalogues (then translate the new ones).
messages:
	cd bibliohub && ../.venv/bin/bibliohub makemessages --no-obsolete --no-location -l en -l vi -l zh_Hans -l uk -l pl

clean:
	rm -rf .venv var
