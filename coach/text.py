"""Small text repairs shared by the guide parser, and what is kept of a user's text."""

from __future__ import annotations

import re

# A lowercase word running straight into a capitalised one ("portalBook", "tutorialsGoogle"):
# flattening dropped the break between two list items. Words that are capitalised inside by
# nature (LinkedIn, SageMaker, PyTorch) start with a capital, so they never match.
RUN_ON = re.compile(r"(?<![A-Za-z])([a-z]{3,}[a-z)'.]*)(?=[A-Z])")
# 'Quoted Title'Next item: a closing quote (after a non-space) straight before a capital.
CLOSING_QUOTE_RUN_ON = re.compile(r"(?<=\S')(?=[A-Z])")
# An item that starts with its kind ("Book: ...") glued to the end of the previous one.
LABEL_RUN_ON = re.compile(r"(?<=[a-z)])(?=(?:Book|Course|Coursera|Udemy|Video|Podcast|Article):)")
# A name glued to a camel-case product name: "Daniel BourkePyTorch", "Alex XuLeetCode".
CAMEL_RUN_ON = re.compile(r"(?<![A-Za-z])([A-Z][a-z]+)(?=[A-Z][a-z]+[A-Z][a-z])")
INLINE_BULLET = re.compile(r"\s+-\s+(?=[A-Z\"'])")


def join_lines(lines: list[str]) -> str:
    return "\n".join(line.replace("**", "") for line in lines if line.strip()).strip()


def split_run_on_resources(line: str) -> list[str]:
    """Split `AWS portalBook: 'X'Lucidchart for diagrams` into its three items."""
    marked = RUN_ON.sub(lambda m: m.group(1) + "\x00", line)
    marked = CLOSING_QUOTE_RUN_ON.sub("\x00", marked)
    marked = LABEL_RUN_ON.sub("\x00", marked)
    marked = CAMEL_RUN_ON.sub(lambda m: m.group(1) + "\x00", marked)
    return [part.strip() for part in marked.split("\x00") if part.strip()]


def cleaned_item_text(text: str) -> str:
    """Drop markdown bold and put inline ` - ` list items on lines of their own."""
    text = text.replace("**", "").strip()
    return INLINE_BULLET.sub("\n- ", text)


# Control characters other than tab and newline (C0, DEL, C1): in a question they carry no
# meaning, and echoed to a terminal they are commands ("\x1b]0;title\x07" sets its title).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """The user's text with each control character replaced by a space."""
    return CONTROL.sub(" ", text)
