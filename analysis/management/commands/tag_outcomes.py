"""Tag posts from a JSONL file: `python manage.py tag_outcomes --input IN.jsonl --output OUT.jsonl`.

Each input line is {"id": ..., "text": ...}; each output line has the same id and the tagger's fields.
"-" reads stdin / writes stdout. Streams: lines go through the tagger in batches and are written as they
come, so memory does not grow with the file. A line that is not JSON, not an object, or has no string
`text` gets an output line with an `error` field and the run goes on; the exit status is 1 at the end if
any line failed. Blank lines are skipped. Needs no database and no server.
"""

import json
import sys
from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError

from analysis.tagging import get_tagger


def _read_lines(stream):
    """(line number, decoded line or None, error) for every non-blank line of a binary or text stream."""
    for number, raw in enumerate(stream, 1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, None, f"not valid UTF-8: {exc.reason} at byte {exc.start}"
                continue
        if number == 1:
            raw = raw.lstrip("\ufeff")
        if raw.strip():
            yield number, raw, None


def _parse(line: str):
    """(id, text, error) of one input line."""
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        return None, None, f"not valid JSON: {exc}"[:300]
    if not isinstance(obj, dict):
        return None, None, f"expected a JSON object, got {type(obj).__name__}"
    post_id = obj.get("id")
    if "text" not in obj:
        return post_id, None, "no 'text' field"
    if not isinstance(obj["text"], str):
        return post_id, None, f"'text' must be a string, got {type(obj['text']).__name__}"
    return post_id, obj["text"], None


def _dumps(obj) -> str:
    line = json.dumps(obj, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a "\ud800" escape in the input
        line = json.dumps(obj)
    return line


class Command(BaseCommand):
    help = "Tag a JSONL file of posts ({id, text} per line) with the outcome tagger, streaming, no database."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSONL file to read, or - for stdin")
        parser.add_argument("--output", required=True, help="JSONL file to write, or - for stdout")
        parser.add_argument(
            "--batch-size", type=int, default=64, help="posts per nlp.pipe batch (default 64)"
        )

    def handle(self, *args, input, output, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        tagger = get_tagger()
        counts = {"lines": 0, "failed": 0}
        with ExitStack() as stack:
            if input == "-":
                source = getattr(sys.stdin, "buffer", sys.stdin)
            else:
                try:
                    source = stack.enter_context(open(input, "rb"))
                except OSError as exc:
                    raise CommandError(f"cannot read {input}: {exc}") from exc
            if output == "-":
                write = self.stdout.write
            else:
                try:
                    sink = stack.enter_context(open(output, "w", encoding="utf-8", newline="\n"))
                except OSError as exc:
                    raise CommandError(f"cannot write {output}: {exc}") from exc

                def write(line):
                    sink.write(line + "\n")

            def items():
                for number, line, error in _read_lines(source):
                    post_id, text = None, None
                    if error is None:
                        post_id, text, error = _parse(line)
                    # a failed line still goes through, as "", so output order follows input order
                    yield (text if error is None else ""), (number, post_id, error)

            for result, (number, post_id, error) in tagger.tag_many(items(), batch_size=batch_size):
                counts["lines"] += 1
                if error is not None:
                    counts["failed"] += 1
                    write(_dumps({"id": post_id, "line": number, "error": error}))
                else:
                    write(_dumps({"id": post_id, **result.to_dict()}))
        summary = f"tagged {counts['lines'] - counts['failed']} of {counts['lines']} lines"
        self.stderr.write(summary + (f"; {counts['failed']} failed" if counts["failed"] else ""))
        if counts["failed"]:
            raise CommandError(
                f"{counts['failed']} of {counts['lines']} input lines failed (see their 'error' field)"
            )
