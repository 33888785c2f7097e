# The README's commands. `make run` serves costmonitor on embedded defaults; `make test` runs the suite.
.PHONY: run test calendar lint reliability

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# The in-process suite again at the 1st of a month, a month's last day at 23:30 UTC, 1 January and 29 February (two instants).
calendar:
	bash scripts/calendar.sh

lint:
	bash scripts/venv.sh requirements/test.txt
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# The reliability suite with a 60 s load; rewrites docs/reliability.md (needs PostgreSQL and Redis, see there).
reliability:
	bash scripts/venv.sh requirements/test.txt
	.venv/bin/python bench/reliability_report.py
