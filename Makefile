# The README's two commands are `make run` and `make test`; the other targets are their steps.
SAMPLE_QUESTION := How many weeks should a backend developer spend on PyTorch when moving into deep learning?

.PHONY: run test setup browser index ask lint retrieval-table stop bench

# Serves the chat page at http://127.0.0.1:7860 until Ctrl-C (the model reads the guides behind it).
run: setup
	.venv/bin/coach index --no-states
	.venv/bin/python app.py

test: setup browser
	.venv/bin/python -m pytest tests evals

setup:
	@scripts/setup.sh

browser:
	@scripts/install-chromium.sh

index: setup
	.venv/bin/coach index

ask: index
	.venv/bin/coach ask "$(SAMPLE_QUESTION)"

lint: setup
	.venv/bin/ruff check coach tests evals bench app.py
	.venv/bin/ruff format --check coach tests evals bench app.py

# The coach against the tutorial recipe on the golden set's held-out half (~20 min):
# bench/results/latest.json, latest.md and latest.png; then what the model reads, three layouts
# side by side on the golden set and the first blind set (~40 min): bench/results/context.json.
bench: index
	.venv/bin/python -m bench
	.venv/bin/python -m bench.context --variants passages,guide,guide_hint --cases evals/golden.jsonl evals/blind_1.jsonl

retrieval-table: index
	.venv/bin/python -m evals.retrieval

stop:
	.venv/bin/coach stop
