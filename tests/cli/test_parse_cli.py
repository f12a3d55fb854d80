"""`python -m bot parse`: the parser as a JSON Lines filter, as the held-out set is run."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.parse_stream import ParseStream, vietnamese
from bot.reference import shipped_units

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus_dev.jsonl"


def run_parse(data: bytes, *args: str, **env: str) -> list[dict[str, Any]]:
    """Run the command as a separate program; one parsed answer per output line."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "parse", *args],
        input=data,
        capture_output=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env=environment,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return [json.loads(line) for line in result.stdout.decode("utf-8").split("\n") if line]


def test_every_dev_corpus_line_comes_out_as_expected() -> None:
    lines = [line for line in CORPUS.read_bytes().split(b"\n") if line.strip()]
    answers = run_parse(b"\n".join(lines) + b"\n")
    assert len(answers) == len(lines)
    matched = 0
    for line, answer in zip(lines, answers, strict=True):
        expect = json.loads(line)["expect"]
        if not answer["ok"]:
            message = answer.pop("message")
            assert "ví dụ" in message.lower()
        matched += answer == expect
    assert matched == len(lines) == 78


def test_utf8_in_and_out_whatever_the_locale_says() -> None:
    line = json.dumps(
        {"text": "hộ Giàng Seo Chứ thoát nghèo", "village": "Xà Phìn", "today": "2026-11-26"},
        ensure_ascii=False,
    )
    (answer,) = run_parse(
        line.encode("utf-8") + b"\n", LANG="C", LC_ALL="C", PYTHONIOENCODING="latin-1"
    )
    assert answer == {
        "ok": True,
        "items": [
            {
                "indicator": "graduated",
                "count": 1,
                "village": "Xà Phìn",
                "household": "Giàng Seo Chứ",
                "date": "2026-11-26",
            }
        ],
    }


def test_bad_lines_get_an_error_line_each_and_alignment_holds() -> None:
    good = {"text": "xong 2 nhà", "village": "Sà Lủng", "today": "2026-11-26", "id": 7}
    lines = [
        b"\xef\xbb\xbf" + json.dumps(good).encode(),  # a BOM before the first line
        b"not json",
        b"",
        b"[1, 2]",
        b'{"village": "S\xc3\xa0 L\xe1\xbb\xa7ng", "today": "2026-11-26"}',  # no text
        b'{"text": "xong 2 nh\xff", "village": "x", "today": "2026-11-26"}',  # bad UTF-8
        b'{"text": "xong 2 nha", "village": "Sa Lung", "today": "26/11/2026"}',
        b'{"text": "xong 2 nha", "village": "Sa Lung", "today": "2026-11-26"}\r',
        b'{"text": "xong 2 nha", "today": "2026-11-26"}',  # whose village?
        b'{"text": "thon Xa Phin xong 2 nha", "today": "2026-11-26"}',  # named: fine
        json.dumps(good).encode(),  # the last line without a line break
    ]
    answers = run_parse(b"\n".join(lines))
    assert len(answers) == len(lines)
    codes = [a["items"][0]["village"] if a["ok"] else a["error"] for a in answers]
    assert codes == [
        "Sà Lủng",
        "invalid_input",
        "invalid_input",
        "invalid_input",
        "invalid_input",
        "invalid_input",
        "invalid_input",
        "Sà Lủng",
        "unknown_village",
        "Xà Phìn",
        "Sà Lủng",
    ]
    assert all(a["message"] for a in answers if not a["ok"])
    assert "today" in answers[6]["message"]
    assert "thôn nào" in answers[8]["message"]


def test_every_error_code_has_a_vietnamese_message() -> None:
    stream = ParseStream(shipped_units(), vietnamese())
    texts = {
        "empty": "   ",
        "unknown_indicator": "chào anh",
        "invalid_date": "ngày 31/02 xong 2 nhà",
        "unknown_village": "thôn Không Có xong 2 nhà",
        "ambiguous_village": "thôn Pả Vi xong 2 nhà",
        "missing_count": "xong nhà",
        "invalid_count": "xong 600 nhà",
    }
    for code, text in texts.items():
        line = json.dumps({"text": text, "village": "Sà Lủng", "today": "2026-11-26"}).encode()
        answer = stream.answer(line)
        assert answer["error"] == code
        assert "ví dụ" in answer["message"].lower(), code


def test_answers_arrive_while_input_is_still_coming() -> None:
    """A program that writes one line and waits for its answer is not left hanging."""

    class Out(io.BytesIO):
        flushed = 0

        def flush(self) -> None:
            self.flushed = self.getvalue().count(b"\n")

    class Source:
        def __init__(self, chunks: list[bytes], out: Out) -> None:
            self.chunks = chunks
            self.out = out
            self.answered_before_each_read: list[int] = []

        def read1(self, size: int) -> bytes:
            self.answered_before_each_read.append(self.out.flushed)
            return self.chunks.pop(0) if self.chunks else b""

        def read(self, size: int) -> bytes:
            raise AssertionError("read1 must be used: read would wait for a full buffer")

    line = b'{"text": "xong 2 nha", "village": "Sa Lung", "today": "2026-11-26"}\n'
    out = Out()
    source = Source([line, line], out)
    count = ParseStream(shipped_units(), vietnamese()).run(source, out)  # type: ignore[arg-type]
    assert count == 2
    assert source.answered_before_each_read == [0, 1, 2]


def test_units_can_come_from_a_file(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(
        "level,name,parent,current_commune,aliases,note\n"
        "district,Huyện Thử,Tỉnh,,,\ncommune,Xã Một,Huyện Thử,Xã Mới,,\n"
        "village,Thôn Hai,Xã Một,Xã Mới,,\n",
        encoding="utf-8",
    )
    line = json.dumps({"text": "xong 1 nhà", "village": "Thôn Hai", "today": "2026-11-26"})
    (answer,) = run_parse(line.encode() + b"\n", "--units", str(units))
    assert answer["items"][0]["village"] == "Thôn Hai"
