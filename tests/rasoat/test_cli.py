from __future__ import annotations

import subprocess
import sys

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
