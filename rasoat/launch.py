"""What `rasoat` with no subcommand does: the GUI when there is a screen, else the headless job."""

from __future__ import annotations

import sys

from rasoat.display import has_display


def launch(path: str | None) -> int:
    from rasoat.logs import setup_logging

    setup_logging()
    if not has_display() and path is not None:
        # The headless job works on the sample commune: run for a file named, it printed the
        # sample's meeting list with exit 0, as if this file had been opened.
        print(
            f"Không tìm thấy màn hình (DISPLAY) nên không mở được cửa sổ để làm việc với tệp "
            f"{path}. Trên dòng lệnh: rasoat db check TỆP_XÃ (kiểm tra tệp), rasoat report "
            "--list (các tài liệu in được, rồi rasoat report LOẠI TỆP_XÃ), rasoat --help "
            "(mọi lệnh).",
            file=sys.stderr,
        )
        return 1
    if not has_display():
        print(
            "Không tìm thấy màn hình (DISPLAY) nên không mở được cửa sổ. "
            "Chạy phần việc chính không cần màn hình thay thế.",
            file=sys.stderr,
        )
        from rasoat.headless import run_headless

        return run_headless()
    from desktop.app import run_gui

    return run_gui(path)
