# The README's two commands are `make run` and `make test`; the other targets are their steps.
SAMPLE_QUESTION := How many weeks does the roadmap give the foundation phase when a backend developer moves into deep learning?

.PHONY: run test setup index lint retrieval-table

run: setup index
	.venv/bin/coach retrieve "$(SAMPLE_QUESTION)"

test: setup
	.venv/bin/python -m pytest tests evals

setup:
	@scripts/setup.sh

index: setup
	.venv/bin/coach index

lint: setup
	.venv/bin/ruff check coach tests evals
	.venv/bin/ruff format --check coach tests evals

retrieval-table: index
	.venv/bin/python -m evals.retrieval
