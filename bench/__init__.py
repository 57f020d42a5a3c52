"""The speed and quality benchmark: the coach against the tutorial recipe, side by side
(`make bench`, or `python -m bench`)."""
