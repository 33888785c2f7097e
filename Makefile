# The README's commands. `make run` serves costmonitor on embedded defaults; `make test` runs the suite.
.PHONY: run test lint

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/venv.sh requirements/test.txt
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
