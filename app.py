"""The coach's chat page: `python app.py` serves it at http://127.0.0.1:7860 until Ctrl-C.

A thin Gradio front end over the core, like the CLI: widgets and events only. Each browser
session keeps its own conversation; questions wait in one bounded line for the one model
(`coach.waiting`), each shown its place and the wait, and one past the bound is told at once
that the coach is busy. The chat endpoint is named "chat" for `gradio_client`:
`Client(url).predict("How long does the move take?", "All guides", api_name="/chat")` returns
the conversation's messages and the answer as data (text, citations, follow-up questions).

Not here: retrieval, prompting or checking (`coach.answer`), or what a screen holds (`coach.chat`).
"""

import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from coach.errors import CoachError
from coach.settings import Settings, settings_or_error

ALL_GUIDES = "All guides"
SUGGESTIONS = 3
CORRECTIONS = 4  # the other guides an answer about one move could have meant
OUTPUTS = 6 + SUGGESTIONS + CORRECTIONS + 1  # how many values `show` returns
CSS = """
.gradio-container { max-width: 1080px !important; margin: auto; }
#coach-header h1 { margin-bottom: 0.1em; }
#coach-header p { color: var(--body-text-color-subdued); margin-top: 0; }
details.source { font-size: 0.88em; color: var(--body-text-color-subdued); margin: 0.15em 0; }
details.source blockquote { margin: 0.4em 0 0.6em 1em; font-size: 0.95em; }
details.source:last-of-type { padding-bottom: 0.6em; border-bottom: 1px solid var(--border-color-primary); }
button.suggestion { justify-content: flex-start !important; text-align: left !important; }
button.correction { flex-grow: 0 !important; }
#chat .progress-text { font-size: 0.95rem !important; }
table.compare { border-collapse: collapse; width: 100%; font-size: 0.92em; }
table.compare th, table.compare td { border: 1px solid var(--border-color-primary); padding: 0.45em 0.6em; vertical-align: top; text-align: left; }
table.compare thead th { background: var(--background-fill-secondary); }
table.compare details.cell { margin: 0 0 0.3em 0; }
table.compare details.cell summary { cursor: pointer; }
table.compare details.cell blockquote { margin: 0.3em 0; padding-left: 0.6em; border-left: 3px solid var(--border-color-accent); white-space: pre-line; }
table.compare .missing { color: var(--body-text-color-subdued); font-style: italic; }
"""
# System fonts only: the page must not fetch anything from the internet.
FONTS = ["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"]
EXAMPLES = [
    "How many weeks should a backend developer spend on PyTorch when moving into deep learning?",
    "How long does the move from deep learning engineer to AI architect take?",
    "What salary can AI engineers expect?",
    "Which certifications help when moving from deep learning to ML engineering?",
    "Do I need a PhD to become an AI engineer?",
    "What does a backend developer learn in phase 2 of the deep learning roadmap?",
]


class ModelStatus:
    """What the model behind the page is doing, as the page's status line says it."""

    def __init__(self, text: str = "") -> None:
        self.text = text


def build_app(settings: Settings, coach, feedback, status: ModelStatus | None = None):
    """The Gradio Blocks app for one Coach and one FeedbackStore; `status`, when given, is shown
    under the header and read again every few seconds."""
    # No `from __future__ import annotations` in this file: Gradio reads the handlers'
    # annotations (gr.LikeData, gr.SelectData) at run time to know what to pass them.
    import gradio as gr

    from coach.chat import EMPTY_QUESTION, Conversation, guide_label
    from coach.compare import compare, every_subject, table_html
    from coach.feedback import FeedbackError, Vote
    from coach.pay import chart as pay_chart
    from coach.pay import pay_rows
    from coach.pay import table_html as pay_html
    from coach.plan import ics as plan_ics
    from coach.plan import make_plan, roadmap
    from coach.plan import markdown as plan_markdown
    from coach.waiting import Line

    labels = {c.source: guide_label(c) for c in coach.retriever.chunks}
    subjects = {s.name: s for s in every_subject(coach.facts)}
    rows = pay_rows(coach.facts)
    plannable = {s.name: s for s in subjects.values() if roadmap(coach.facts[s.guide])}
    guide_of = {label: source for source, label in labels.items()}
    line = Line(settings.max_waiting, settings.max_wait_seconds)

    def hidden_buttons(count: int, kind: str) -> list:
        """Buttons filled in and shown per answer (follow-ups, corrections): `kind-0`, `kind-1` ..."""
        return [
            gr.Button(visible=False, size="sm", elem_classes=kind, elem_id=f"{kind}-{i}")
            for i in range(count)
        ]

    def show(screen, conversation: Conversation) -> tuple:
        shown = [] if screen.busy else screen.suggestions[:SUGGESTIONS]
        buttons = [gr.update(value=q, visible=True) for q in shown]
        buttons += [gr.update(visible=False)] * (SUGGESTIONS - len(shown))
        others = [] if screen.busy else screen.corrections[:CORRECTIONS]
        fixes = [gr.update(value=g, visible=True) for g in others]
        fixes += [gr.update(visible=False)] * (CORRECTIONS - len(others))
        # The question box and its button are off while this session's question is answered.
        # Its text is never set here: `hold` emptied it, and what the user types once it is on
        # again is theirs (an answer's later updates would wipe it).
        ready = {"interactive": not screen.busy}
        return (
            screen.messages, screen.result, gr.update(**ready), gr.update(**ready),
            gr.update(visible=bool(shown)), *buttons, gr.update(visible=bool(others)), *fixes, conversation,
        )  # fmt: skip

    def chat(message: str, focus: str, conversation: Conversation) -> Iterator[tuple]:
        message, guide = message or "", guide_of.get(focus)
        if conversation.answered_at_once(coach, message):
            yield from reply(message, guide, conversation)
            return
        ticket = line.join()
        if ticket is None:
            yield show(conversation.busy(message, guide, line.busy()), conversation)
            return
        used_model = False
        try:  # the place is given back however this ends: answered, failed, or dropped while waiting
            said = ""
            for place in line.waiting(ticket):  # once a second: where Gradio can stop a dropped wait
                # Only the bubble changes, and only when the place does: the rest is left as it is.
                bubble = conversation.waiting(message, place) if place != said else gr.skip()
                said = place
                yield bubble, *[gr.skip()] * (OUTPUTS - 1)
            yield from reply(message, guide, conversation)
            answered = conversation.turns[-1].answer
            used_model = answered is not None and "first_token" in answered.timings
        finally:
            line.leave(ticket, used_model)

    def reply(message: str, guide: str | None, conversation: Conversation) -> Iterator[tuple]:
        for screen in conversation.reply(coach, message, guide):
            if screen.result.get("error") == EMPTY_QUESTION:
                gr.Warning(EMPTY_QUESTION)
            yield show(screen, conversation)

    def hold(message: str, conversation: Conversation) -> tuple:
        off = {"interactive": False}
        hidden = [gr.update(visible=False)] * (SUGGESTIONS + CORRECTIONS + 2)
        message = message or ""
        place = "" if conversation.answered_at_once(coach, message) else line.outlook()
        return (
            conversation.waiting(message, place),
            gr.update(value="", **off),
            gr.update(**off),
            message,
            *hidden,
        )

    def pick_example(data: gr.SelectData) -> str:
        return data.value["text"]

    def correct(guide: str, conversation: Conversation) -> tuple:
        """The last question again, of the guide the user picked."""
        last = conversation.turns[-1].question if conversation.turns else ""
        return last, guide

    def compare_picked(names: list[str]) -> str:
        picked = [subjects[n] for n in names or [] if n in subjects]
        if not 2 <= len(picked) <= 3:
            return "<p class='compare-note'>Pick two or three transitions to compare.</p>"
        return table_html(compare(picked, coach.facts), coach.retriever.chunks)

    def plan_picked(name: str, hours: float, start: str, have: str) -> tuple:
        try:
            when = date.fromisoformat((start or "").strip())
        except ValueError:
            return f"The start date {start!r} is not a date. Write it as YYYY-MM-DD.", None
        skills = [h.strip() for h in (have or "").split(",") if h.strip()]
        subject = plannable.get(name)
        if subject is None:
            return "Pick a transition to plan.", None
        try:
            plan = make_plan(
                subject, coach.facts[subject.guide], float(hours or 0), when, settings.plan_week_hours, skills
            )
        except CoachError as exc:
            return str(exc), None
        folder = Path(tempfile.mkdtemp(prefix="coach-plan-"))
        files = [folder / "plan.md", folder / "plan.ics"]
        files[0].write_text(plan_markdown(plan), encoding="utf-8")
        files[1].write_text(plan_ics(plan), encoding="utf-8", newline="")
        return plan_markdown(plan), [str(f) for f in files]

    def new_conversation() -> tuple:
        on = {"interactive": True}
        hidden = [gr.update(visible=False)] * (SUGGESTIONS + CORRECTIONS + 2)
        return ([], {}, gr.update(value="", **on), gr.update(**on), *hidden, Conversation())

    def vote(conversation: Conversation, data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        turn = conversation.turn_at(int(index))
        if turn is None or turn.answer is None or data.liked not in (True, False):
            return
        answer = turn.answer
        shown = turn.shown[-1]["content"]
        try:
            feedback.record(
                Vote(
                    vote="up" if data.liked else "down",
                    question=turn.question,
                    query=answer.query,
                    answer=shown,
                    # The passages the answer cites, numbered as its sources were shown.
                    citations=[
                        {
                            "n": i + 1,
                            "source": p.chunk.source,
                            "section": p.chunk.section,
                            "chunk_id": p.chunk.id,
                        }
                        for i in answer.cited_indexes
                        for p in [answer.passages[i]]
                    ],
                    guide=turn.guide or "",
                )
            )
        except FeedbackError as exc:
            gr.Warning(str(exc))
            return
        gr.Info("Thanks, your feedback is saved.")

    with gr.Blocks(title="Career Coach", analytics_enabled=False) as app:
        gr.Markdown(
            "# Career Coach\n"
            "Questions about moving into AI work, answered only from five career guides, with the "
            "passages each answer comes from. When the guides don't cover something, it says so.",
            elem_id="coach-header",
        )
        if status is not None:
            status_line = gr.Markdown(status.text, elem_id="model-status")
            gr.Timer(3.0).tick(lambda: status.text, None, status_line, queue=False, api_visibility="private")
        with gr.Tabs():
            with gr.Tab("Chat", elem_id="chat-tab"):
                focus = gr.Dropdown(
                    [ALL_GUIDES, *sorted(labels.values())],
                    value=ALL_GUIDES,
                    label="Guides to search",
                    elem_id="focus",
                )
                chatbot = gr.Chatbot(
                    label="Conversation",
                    height=560,
                    latex_delimiters=[],
                    placeholder="Ask about timelines, skills, salaries or the roadmap of a move into AI work.",
                    examples=[{"text": q} for q in EXAMPLES],
                    feedback_options=("Like", "Dislike"),
                    buttons=[],  # a copy would carry the escapes that keep text from rendering as HTML
                    elem_id="chat",
                )
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        placeholder="Ask a question about the guides…",
                        show_label=False,
                        scale=7,
                        max_lines=4,
                        elem_id="question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="ask")
                    restart = gr.Button(
                        "New conversation", variant="secondary", scale=1, min_width=190, elem_id="restart"
                    )
                with gr.Column():
                    label = gr.Markdown(
                        "**Suggested follow-ups**", visible=False, elem_id="suggestions-label"
                    )
                    buttons = hidden_buttons(SUGGESTIONS, "suggestion")
                with gr.Row():
                    fix_label = gr.Markdown(
                        "**Meant another move? Ask the same of:**", visible=False, elem_id="corrections-label"
                    )
                    fixes = hidden_buttons(CORRECTIONS, "correction")
            with gr.Tab("Compare", elem_id="compare-tab"):
                gr.Markdown(
                    "Two or three moves side by side, in each guide's own words. Click a value to see "
                    "the passage it comes from, marked."
                )
                with gr.Row(equal_height=True):
                    picks = gr.Dropdown(
                        list(subjects),
                        multiselect=True,
                        max_choices=3,
                        label="Transitions to compare",
                        scale=7,
                        elem_id="compare-picks",
                    )
                    go = gr.Button("Compare", variant="primary", scale=1, min_width=120, elem_id="compare-go")
                table = gr.HTML(elem_id="compare-table")
            with gr.Tab("Plan", elem_id="plan-tab"):
                gr.Markdown(
                    "A dated week-by-week plan from a guide's roadmap, in the hours you can give. Every "
                    "task is the guide's own, cited; how guide weeks become your weeks is said on the plan."
                )
                with gr.Row(equal_height=True):
                    plan_move = gr.Dropdown(
                        list(plannable), value=next(iter(plannable), None), label="Transition", scale=4,
                        elem_id="plan-move",
                    )  # fmt: skip
                    plan_hours = gr.Number(
                        10, label="Hours a week", minimum=1, maximum=80, scale=1, elem_id="plan-hours"
                    )
                    plan_start = gr.Textbox(
                        date.today().isoformat(), label="Start (YYYY-MM-DD)", scale=2, elem_id="plan-start"
                    )
                plan_have = gr.Textbox(
                    label="Skills you already have (comma-separated; tasks that name them are dropped)",
                    elem_id="plan-have",
                )
                plan_go = gr.Button("Make the plan", variant="primary", elem_id="plan-go")
                plan_files = gr.File(label="Download", file_count="multiple", elem_id="plan-files")
                plan_text = gr.Markdown(elem_id="plan-text")
            with gr.Tab("Pay", elem_id="pay-tab"):
                gr.Markdown(
                    "Every pay figure the guides state, exactly as written: never converted, averaged or "
                    "extrapolated. Click a figure to see the passage it comes from."
                )
                gr.Image(
                    str(pay_chart(rows, Path(tempfile.mkdtemp(prefix="coach-pay-")) / "pay.png")),
                    show_label=False,
                    interactive=False,
                    buttons=["download"],
                    elem_id="pay-chart",
                )
                gr.HTML(pay_html(rows, coach.retriever.chunks), elem_id="pay-table")
        conversation = gr.State(Conversation())
        # The answer as data (text, citations, follow-ups) for API clients; not shown on the page.
        result = gr.JSON(visible=False)
        outputs = [chatbot, result, box, send, label, *buttons, fix_label, *fixes, conversation]

        # The same answer, in one call, for API clients (gradio_client): api_name="/chat"
        # (registered first: the page's own events below would otherwise claim the name).
        api = gr.Button(visible=False)
        # Never held in Gradio's queue: `line` orders the answers, and turns away at once a
        # question it has no place for.
        api.click(chat, [box, focus, conversation], outputs, api_name="chat", concurrency_limit=None)
        # The question appears at once (not queued) with its place in the line; the answer
        # follows when the model is free.
        pending = gr.State("")
        held = [chatbot, box, send, pending, label, *buttons, fix_label, *fixes]
        answer = {
            "fn": chat, "inputs": [pending, focus, conversation], "outputs": outputs, "concurrency_limit": None,
        }  # fmt: skip
        # A question sent while the last answer is still closing is answered after it, not dropped.
        quiet = {
            "api_visibility": "private", "show_progress": "full", "show_progress_on": [chatbot],
            "trigger_mode": "always_last",
        }  # fmt: skip
        answering = [
            trigger(hold, [text, conversation], held, queue=False, api_visibility="private").then(
                **answer, **quiet
            )
            for trigger, text in ((box.submit, box), (send.click, box), *((b.click, b) for b in buttons))
        ]
        answering += [
            fix.click(correct, [fix, conversation], [pending, focus], queue=False, api_visibility="private")
            .then(hold, [pending, conversation], held, queue=False, api_visibility="private")
            .then(**answer, **quiet)
            for fix in fixes
        ]
        answering.append(
            chatbot.example_select(pick_example, None, pending, queue=False, api_visibility="private")
            .then(hold, [pending, conversation], held, queue=False, api_visibility="private")
            .then(**answer, **quiet)
        )
        # Starting over stops an answer still being written for the old conversation.
        for trigger in (restart.click, chatbot.clear):
            trigger(new_conversation, None, outputs, cancels=answering, api_visibility="private", queue=False)
        # Read from the facts in a few milliseconds: never queued behind an answer.
        go.click(compare_picked, picks, table, queue=False, api_name="compare")
        plan_go.click(
            plan_picked, [plan_move, plan_hours, plan_start, plan_have], [plan_text, plan_files], queue=False,
            api_name="plan",
        )  # fmt: skip
        # Queued (so its thank-you shows) but never waiting behind an answer.
        chatbot.like(vote, conversation, None, api_visibility="private", concurrency_limit=None)
    # Anything else queued waits its turn, one at a time.
    app.queue(default_concurrency_limit=1)
    return app


def launch_options(settings: Settings) -> dict:
    """How the app is served: never a public share link; nothing fetched from the internet; behind
    a login when COACH_AUTH sets one."""
    import gradio as gr

    theme = gr.themes.Soft(primary_hue="indigo", font=FONTS, font_mono=["ui-monospace", "monospace"])
    login = (
        {"auth": settings.logins(), "auth_message": "Log in to the career coach."} if settings.auth else {}
    )
    return {"share": False, "ssr_mode": False, "quiet": True, "show_error": False, "css": CSS,
            "theme": theme, "footer_links": [], **login}  # fmt: skip


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _warm_up(coach, status: ModelStatus) -> None:
    """Start the model and have it read the fixed part, then each guide not kept yet (once: the
    embedded server keeps each guide's state on disk), saying so in the status line."""
    print("Warming up the model (about 20 s on 2 cores)…", flush=True)
    started = time.monotonic()
    try:
        coach.warm_up()
        print(f"Model ready in {time.monotonic() - started:.0f} s.", flush=True)
        status.text = "_Model ready._"
    except Exception as exc:  # the page still serves, and tells users what is wrong
        print(f"app: warning: the model did not warm up: {exc}", file=sys.stderr, flush=True)
        status.text = "_The model is not answering: answers from the guides' facts still work._"
        return

    def progress(done: int, of: int, guide: str) -> None:
        status.text = f"_Model ready. Reading the guides once, for faster answers: {done} of {of} done._"
        print(f"Model states: {done}/{of} guides kept, {time.monotonic() - started:.0f} s", flush=True)

    try:
        if coach.keep_states(progress):
            print(f"Every guide kept in {time.monotonic() - started:.0f} s.", flush=True)
        status.text = "_Model ready._"
    except Exception as exc:  # the model answers; questions read passages instead of kept guides
        print(f"app: warning: the guides' model states were not kept: {exc}", file=sys.stderr, flush=True)
        status.text = "_Model ready (answers may be slower: the guides' states could not be kept)._"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # `kill` ends the app like Ctrl-C: the model server it started stops too


def main() -> int:
    settings = settings_or_error("app")
    if settings is None:
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # even when started in the background, where it is ignored
    from coach.embeddings import MiniLMEmbedder
    from coach.feedback import FeedbackStore
    from coach.llm_server import check_local_model, port_taken, stop_local_server
    from coach.session import build_coach
    from coach.store import build_index

    if not _port_free(settings.host, settings.port):
        print(f"app: port {settings.port} is in use. Stop what uses it or set COACH_PORT.", file=sys.stderr)
        return 1
    started_server = False
    try:
        embedder = MiniLMEmbedder(settings.embedding_model_dir)
        report = build_index(settings, embedder)  # a no-op when the index is up to date
        for line in report.skipped:
            print(f"app: {line}", file=sys.stderr)
        print(f"Index: {report.guides} guides, {report.chunks} chunks in {settings.index_dir}")
        started_server = not settings.llm_base_url and not port_taken(settings)
        if started_server:
            check_local_model(settings)  # a missing model stops here, not behind a served page
        coach = build_coach(settings, embedder)
        status = ModelStatus("_The model is starting: answers from the guides' facts work now._")
        app = build_app(settings, coach, FeedbackStore(settings.feedback_dir), status)
        coach.load()  # before serving: the tagger must not load while a question loads the embedder
        app.launch(
            server_name=settings.host,
            server_port=settings.port,
            prevent_thread_lock=True,
            **launch_options(settings),
        )
        print(f"Career Coach: http://{settings.host}:{settings.port} (Ctrl-C to stop)", flush=True)
        # The page serves at once (answers from the facts need no model); the model starts and
        # reads its fixed prompt behind it, and a question asked meanwhile waits for it.
        threading.Thread(target=_warm_up, args=(coach, status), daemon=True).start()
        app.block_thread()
    except CoachError as exc:
        print(f"app: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        pass
    finally:
        if started_server:
            stop_local_server(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
