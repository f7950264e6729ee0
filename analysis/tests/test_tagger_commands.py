"""The tagger's management commands: tag_outcomes, evaluate_tagger, bench_tagger.

None of these tests has database access (no django_db mark): the commands must not need it.
"""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from analysis.nlp import TAGGER_VERSION
from devtools.tagger.evaluation import GOLD_DIR


def write_jsonl(path: Path, lines) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            fh.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- tag_outcomes ---------------------------------------------------------------------------------------


def test_tag_outcomes_writes_one_line_per_post_with_the_same_id_and_the_tagger_fields(tmp_path):
    # given a file of posts
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": 1, "text": "Walking eases my pain."},
            {"id": "b-2", "text": "I crashed for a week after the spin class."},
            {"id": 3, "text": "Has anyone tried tai chi?"},
        ],
    )
    # when it is tagged
    call_command(
        "tag_outcomes", "--input", str(src), "--output", str(tmp_path / "out.jsonl"), stderr=io.StringIO()
    )
    # then every line comes back, in order, with its id and the tagger's fields
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [o["id"] for o in out] == [1, "b-2", 3]
    assert [o["outcome"] for o in out] == ["helped", "worsened", "none"]
    for o in out:
        assert set(o) == {
            "id",
            "outcome",
            "confidence",
            "interventions",
            "symptoms",
            "evidence",
            "tagger_version",
        }
        assert o["tagger_version"] == TAGGER_VERSION


def test_tag_outcomes_reads_stdin_and_writes_stdout(tmp_path, monkeypatch):
    lines = [{"id": i, "text": "Yoga helps my back."} for i in range(3)]
    data = "".join(json.dumps(x) + "\n" for x in lines).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out = io.StringIO()
    call_command("tag_outcomes", "--input", "-", "--output", "-", stdout=out, stderr=io.StringIO())
    got = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [g["id"] for g in got] == [0, 1, 2]
    assert all(g["outcome"] == "helped" for g in got)


def test_bad_lines_get_an_error_line_the_run_goes_on_and_the_command_fails_at_the_end(tmp_path):
    # given a file with a line that is not JSON, one with no text, one whose text is not a string,
    # one that is not an object, and good lines around them
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b'{"id": 1, "text": "Swimming helped my shoulders."}\n'
        b"this is not json\n"
        b'{"id": 3}\n'
        b'{"id": 4, "text": 42}\n'
        b"[1, 2, 3]\n"
        b'{"id": 6, "text": "bad bytes \xff\xfe here"}\n'
        b"\n"
        b'{"id": 7, "text": "The gym made me worse."}\n'
    )
    # when it is tagged, then the command reports failure at the end
    with pytest.raises(CommandError, match="5 of 7"):
        call_command(
            "tag_outcomes", "--input", str(src), "--output", str(tmp_path / "out.jsonl"), stderr=io.StringIO()
        )
    # and every non-blank line has its output line, in order: errors where they were, results elsewhere
    out = read_jsonl(tmp_path / "out.jsonl")
    assert len(out) == 7
    assert out[0]["outcome"] == "helped" and out[-1]["outcome"] == "worsened"
    errors = {o.get("line"): o["error"] for o in out if "error" in o}
    assert set(errors) == {2, 3, 4, 5, 6}
    assert "JSON" in errors[2] and "text" in errors[3] and "string" in errors[4] and "UTF-8" in errors[6]
    assert out[2]["id"] == 3


def test_the_exit_status_is_non_zero_when_any_line_failed(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": "Pilates helps."}, "{not json"])
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "tag_outcomes",
            "--input",
            str(src),
            "--output",
            str(tmp_path / "o.jsonl"),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert len(read_jsonl(tmp_path / "o.jsonl")) == 2


def test_the_exit_status_is_zero_when_every_line_was_tagged(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": "Pilates helps."}])
    proc = subprocess.run(
        [sys.executable, "manage.py", "tag_outcomes", "--input", str(src), "--output", "-"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["outcome"] == "helped"


def test_any_text_is_tagged_without_a_crash(tmp_path):
    texts = [
        "",
        "   ",
        "🙄💪🏽🔥",
        "Caminar me ayuda mucho.",
        "<p>Yoga <b>helped</b></p><script>x</script>",
        "ctrl \x00\x07\x1b[0m chars",
        "x" * 1_000_000,
        "walking " * 100_000,
    ]
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    src.open("a", encoding="utf-8").write('{"id": "surrogate", "text": "lone \\ud800 half"}\n')
    call_command(
        "tag_outcomes", "--input", str(src), "--output", str(tmp_path / "out.jsonl"), stderr=io.StringIO()
    )
    out = read_jsonl(tmp_path / "out.jsonl")
    assert [o["id"] for o in out] == [*range(len(texts)), "surrogate"]
    assert all("error" not in o for o in out)


class CountingLines:
    """An input stream that counts how many lines have been read so far."""

    def __init__(self, lines: int):
        self.total = lines
        self.read = 0

    def __iter__(self):
        for i in range(self.total):
            self.read += 1
            yield json.dumps({"id": i, "text": f"Day {i}: a short walk and my mood lifted."}).encode() + b"\n"


class RecordingOutput(io.StringIO):
    def __init__(self, source: CountingLines):
        super().__init__()
        self.source = source
        self.read_at_first_write = None

    def write(self, s):
        if self.read_at_first_write is None:
            self.read_at_first_write = self.source.read
        return super().write(s)


def test_ten_thousand_lines_stream_through_without_being_held(monkeypatch):
    # given 10,000 input lines on stdin
    source = CountingLines(10_000)
    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": source})())
    out = RecordingOutput(source)
    # when they are tagged
    call_command(
        "tag_outcomes",
        "--input",
        "-",
        "--output",
        "-",
        "--batch-size",
        "64",
        stdout=out,
        stderr=io.StringIO(),
    )
    # then the first result was written long before the input was all read, and every line came out
    assert out.read_at_first_write is not None and out.read_at_first_write <= 1_000
    lines = out.getvalue().splitlines()
    assert len(lines) == 10_000
    assert json.loads(lines[-1])["id"] == 9_999


def test_a_missing_input_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("tag_outcomes", "--input", str(tmp_path / "nope.jsonl"), "--output", "-")


# --- evaluate_tagger ---------------------------------------------------------------------------------------


def test_evaluate_tagger_prints_the_tables_for_the_tagger_and_the_vader_baseline_on_seed():
    out = io.StringIO()
    call_command("evaluate_tagger", "--split", "seed", stdout=out)
    text = out.getvalue()
    for expected in (
        "precision",
        "recall",
        "macro-F1",
        "confusion",
        "per-intervention outcome accuracy",
        "VADER-only baseline",
        "helped",
        "worsened",
        "mixed",
        "none",
    ):
        assert expected in text


@pytest.mark.skipif(not (GOLD_DIR / "dev.jsonl").exists(), reason="no gold dev split")
def test_evaluate_tagger_defaults_to_the_dev_split():
    out = io.StringIO()
    call_command("evaluate_tagger", stdout=out)
    assert "on dev" in out.getvalue()


def test_evaluate_tagger_rejects_an_unknown_split():
    with pytest.raises(CommandError):
        call_command("evaluate_tagger", "--split", "holdout")


# --- bench_tagger ------------------------------------------------------------------------------------------


def test_bench_tagger_prints_both_rates_their_ratio_and_memory():
    out = io.StringIO()
    call_command("bench_tagger", "--posts", "40", stdout=out)
    text = out.getvalue()
    for expected in ("full tagger", "VADER alone", "cost / VADER cost", "RSS", "outcome_matcher"):
        assert expected in text
