# The README's two commands are `make run` and `make test`; the other targets are their steps.
SAMPLE_QUESTION := How many weeks should a backend developer spend on PyTorch when moving into deep learning?

.PHONY: run test setup index lint retrieval-table stop

run: setup index
	.venv/bin/coach ask "$(SAMPLE_QUESTION)"

test: setup
	.venv/bin/python -m pytest tests evals

setup:
	@scripts/setup.sh

index: setup
	.venv/bin/coach index

lint: setup
	.venv/bin/ruff check coach tests evals app.py
	.venv/bin/ruff format --check coach tests evals app.py

retrieval-table: index
	.venv/bin/python -m evals.retrieval

stop:
	.venv/bin/coach stop
