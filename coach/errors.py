"""The coach's own exceptions: each carries a one-line message that names the fix.

The edges (CLI, UI) turn them into that line and an exit code; no traceback is shown for them.
Exit code 2 means the user gave something unusable (a question, a guide file); 1 means the coach
itself cannot work yet (no corpus folder, no index, no model).
"""

from __future__ import annotations


class CoachError(Exception):
    """Base class: an expected fault with a message a user can act on."""

    exit_code = 1


class BadInputError(CoachError):
    """The question or a guide file cannot be used as given."""

    exit_code = 2


class CorpusMissingError(CoachError):
    """There is no corpus folder, or it holds no guides."""


class IndexMissingError(CoachError):
    """No index has been built yet."""


class IndexCorruptError(CoachError):
    """The index exists but cannot be trusted."""
