from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rasoat import __version__
from rasoat.cli import main


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_in_vietnamese() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "rasoat", "--help"], capture_output=True, text=True, check=True
    )
    assert "Rà soát hộ nghèo" in out.stdout


ARGPARSE_ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "optional arguments",
    "show this help",
    "show program's version",
    "error:",
    "the following arguments are required",
    "unrecognized arguments",
    "invalid choice",
)


def _english(text: str) -> list[str]:
    return [w for w in ARGPARSE_ENGLISH if w in text]


def test_help_and_usage_errors_are_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from rasoat.cli import build_parser

    parser = build_parser()
    texts = [parser.format_help()]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                texts.append(sub.format_help())
                assert "cách dùng:" in texts[-1], name
    bad_calls = (["db"], ["db", "--nope"], ["khong-co-lenh-nay", "x"], ["report", "-f", "doc"])
    for argv in bad_calls:
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 2
        texts.append(capsys.readouterr().err)
    assert "cách dùng:" in texts[0]
    assert "tuỳ chọn" in texts[0]
    assert len(texts) > 10
    found = {w for t in texts for w in _english(t)}
    assert found == set()


def test_can_cu_prints_each_rule_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from forms.legal_basis import legal_basis
    from forms.standards import load_standard

    assert main(["can-cu", "--standard", "nd351-2026-2030", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = legal_basis(load_standard("nd351-2026-2030"))
    assert [r["rule"] for r in rows] == [b.rule for b in expected]
    assert [r["status_vi"] for r in rows] == [b.status_vi for b in expected]
    assert main(["can-cu", "--standard", "nd351-2026-2030", "--chua-ro"]) == 0
    out = capsys.readouterr().out
    assert out.count("CHƯA CÓ VĂN BẢN NÊU RÕ") == sum(b.status == "none" for b in expected)
    assert out.count("THEO VĂN BẢN CẤP TỈNH") == sum(b.status == "province" for b in expected)
    assert "(có văn bản)" not in out
    assert main(["can-cu", "--standard", "khong-co"]) == 2
    assert "Không có chuẩn nghèo" in capsys.readouterr().err


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Mã thoát của mọi lệnh: 0 xong; 1 từ chối" in out
    assert "2 đầu vào không dùng được" in out
    # A merge of several packages keeps those it took when a later one is refused.
    assert "riêng lệnh merge xét từng gói" in out


def test_a_word_that_is_no_command_and_no_file_opens_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rasoat WORD` opens the commune file WORD (a file association's call); a typo or a
    path to nothing used to open the sample commune (with no screen, its meeting list) and
    exit 0. With a screen, a path goes on to the window, which says it cannot open it (the
    Windows program has no console to print on)."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # no screen here
    assert main(["reprot"]) == 2
    assert "không có lệnh 'reprot'. Có phải là lệnh 'report'?" in capsys.readouterr().err
    assert main(["khong-phai-lenh"]) == 2
    assert "không có lệnh" in capsys.readouterr().err
    assert main([str(tmp_path / "xa.sqlite")]) == 2
    assert "Không tìm thấy tệp xa.sqlite" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
