"""`rasoat --self-test`: proves an installed copy works end to end, offscreen.

Opens the main window without a screen, creates a demo commune in a temporary folder,
classifies its households, writes one PDF, and prints each step. Exit 0 only when every step
passed; otherwise a Vietnamese message per failed step and exit 1. A part of the program that
is not in this build is a failed step ("chưa có"), never a silent pass.

Also the hidden ``--startup-probe`` (``run_startup_probe``): opens the main window and exits at
its first paint, printing the time since the process started (bench/bench_startup.py).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

log = logging.getLogger(__name__)

DEMO_HOUSEHOLDS = 30


class Missing(Exception):
    """A part of the program this step needs is not in this build."""


class StepFailed(Exception):
    """A step found something wrong; the message says what, in Vietnamese."""


@dataclass
class Step:
    title: str
    ok: bool
    detail: str
    seconds: float


class SelfTest:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.steps: list[Step] = []
        self.app: Any = None
        self.window: Any = None
        self.commune: Path | None = None
        self.store: Any = None
        self.households: list[Any] = []
        self.round_id: str | None = None

    def step(self, title: str, action: Callable[[], str]) -> bool:
        start = time.perf_counter()
        try:
            detail, ok = action(), True
        except Missing as exc:
            detail, ok = f"chưa có: {exc}", False
            log.error("self-test step %r: missing %s", title, exc)
        except StepFailed as exc:
            detail, ok = f"lỗi: {exc}", False
            log.error("self-test step %r failed: %s", title, exc)
        except Exception as exc:
            # Never the exception's own words: English, and they may hold a name or a path
            # from the demo commune; the log has them with the traceback.
            detail, ok = f"lỗi: {_reason(exc)}", False
            log.error("self-test step %r failed\n%s", title, traceback.format_exc())
        step = Step(title, ok, detail, time.perf_counter() - start)
        self.steps.append(step)
        mark = "ĐẠT " if ok else "LỖI "
        line = f"[{mark}] {title} ({step.seconds:.2f} s): {detail}"
        # Also logged: a windowed Windows build has no console, the log is where CI reads it.
        log.info("self-test %s", line)
        print(line, file=self.out, flush=True)
        return ok

    # --- the steps ---------------------------------------------------------------------------
    def open_window(self) -> str:
        from desktop.app import create_app
        from desktop.main_window import MainWindow

        self.app = create_app([sys.argv[0] if sys.argv else "rasoat"])
        self.window = MainWindow()
        self.window.show()
        self.app.processEvents()
        if not self.window.isVisible():
            raise StepFailed("cửa sổ chính không hiện")
        return f"cửa sổ “{self.window.windowTitle()}”, nền tảng {self.app.platformName()}"

    def create_demo(self, folder: Path) -> str:
        create_demo_commune = _need("db.demo", "create_demo_commune")
        self.commune = folder / "xa-mau-tu-kiem-tra.rasoat.sqlite"
        create_demo_commune(self.commune, households=DEMO_HOUSEHOLDS)
        if not self.commune.is_file():
            raise StepFailed(f"không thấy tệp {self.commune}")
        store_class = _need("db.store", "Store")
        self.store = store_class.open(self.commune, user="tự kiểm tra", device="self-test")
        self.households = list(self.store.iter_households())
        if not self.households:
            raise StepFailed("xã mẫu không có hộ nào")
        return f"{len(self.households)} hộ trong {self.commune}"

    def classify_all(self) -> str:
        classify = _need("forms.classify", "classify")
        load_standard = _need("forms.standards", "load_standard")
        review = self.store.current_round()
        if review is None:
            raise StepFailed("xã mẫu chưa có kỳ rà soát")
        self.round_id = review.id
        standard = load_standard(review.standard_id)
        counts: dict[str, int] = {}
        for household in self.households:
            result = classify(household, standard, review.year, review.reference_date)
            # Written back like the app does, so the PDF below reads real results.
            self.store.save_result(household.id, review.id, result)
            category = _category_label(result.category)
            counts[category] = counts.get(category, 0) + 1
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        return f"{len(self.households)} hộ theo {standard.id}, năm {review.year} ({summary})"

    def write_pdf(self, folder: Path) -> str:
        build = _need("reports", "build")
        documents = _need("reports.catalog", "DOCUMENTS")
        kind = _first_pdf_kind(documents)
        out = folder / f"{kind}.pdf"
        written = Path(build(kind, self.store, out, fmt="pdf", round_id=self.round_id))
        data = written.read_bytes()
        if not data.startswith(b"%PDF-"):
            raise StepFailed(f"{written} không phải tệp PDF")
        # The shipped font is what makes diacritics print right on any laptop; a bundle that
        # lost resources/fonts would fall back to Helvetica and garble every Vietnamese name.
        if b"BeVietnamPro" not in data:
            raise StepFailed("tệp PDF không nhúng phông chữ Be Vietnam Pro")
        return f"“{kind}”, {len(data) / 1024:.0f} KB"

    def close(self) -> str:
        if self.store is not None and hasattr(self.store, "close"):
            self.store.close()
        if self.window is not None:
            self.window.close()
            self.app.processEvents()
        return "đã đóng tệp và cửa sổ"


def run_self_test(out: TextIO | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from rasoat import __version__
    from rasoat.logs import setup_logging

    stream = out or sys.stdout
    log_file = setup_logging()
    print(f"Tự kiểm tra Rà soát {__version__}; nhật ký: {log_file}", file=stream, flush=True)
    test = SelfTest(stream)
    # ignore_cleanup_errors: on Windows a file a failed step left open cannot be deleted; the
    # result of the test matters more than a leftover temporary folder.
    with tempfile.TemporaryDirectory(prefix="rasoat-tu-kiem-tra-", ignore_cleanup_errors=True) as t:
        folder = Path(t)
        window_ok = test.step("Mở cửa sổ chính (không cần màn hình)", test.open_window)
        demo_ok = test.step("Tạo xã mẫu trong thư mục tạm", lambda: test.create_demo(folder))
        if demo_ok:
            test.step("Phân loại các hộ", test.classify_all)
            test.step("Ghi một tệp PDF", lambda: test.write_pdf(folder))
        else:
            for title in ("Phân loại các hộ", "Ghi một tệp PDF"):
                test.steps.append(Step(title, False, "bỏ qua vì chưa có xã mẫu", 0.0))
                print(f"[LỖI ] {title}: bỏ qua vì chưa có xã mẫu", file=stream, flush=True)
        if window_ok or test.store is not None:
            test.step("Đóng", test.close)
    failed = [s for s in test.steps if not s.ok]
    log.info("self-test finished: %d of %d steps failed", len(failed), len(test.steps))
    if failed:
        print(
            f"Tự kiểm tra KHÔNG ĐẠT: {len(failed)}/{len(test.steps)} bước lỗi. "
            f"Chi tiết trong nhật ký: {log_file}",
            file=stream,
            flush=True,
        )
        return 1
    print(f"Tự kiểm tra ĐẠT: {len(test.steps)} bước.", file=stream, flush=True)
    return 0


def run_startup_probe(timeout_s: float = 20.0) -> int:
    """Opens the main window and quits at its first paint; prints ``first_paint_s=`` (since
    the process started, by the OS clock where known) and ``first_paint_epoch=``."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    from desktop.app import create_app
    from desktop.main_window import MainWindow

    app = create_app([sys.argv[0] if sys.argv else "rasoat"])
    window = MainWindow()
    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.time())
                QTimer.singleShot(0, app.quit)
            return False

    spy = FirstPaint()
    window.installEventFilter(spy)
    QTimer.singleShot(int(timeout_s * 1000), app.quit)
    window.show()
    app.exec()
    if not painted:
        print("Cửa sổ chính không được vẽ trong thời hạn.", file=sys.stderr)
        return 1
    print(f"first_paint_s={painted[0] - process_start_epoch():.3f}")
    print(f"first_paint_epoch={painted[0]:.6f}")
    return 0


def process_start_epoch() -> float:
    """When this process started (Linux: from /proc, 10 ms resolution, which includes the
    frozen bootloader's work); elsewhere the earliest time Python knows of."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of proc(5), counted after "pid (comm) "
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - uptime + start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return _IMPORTED_AT - time.perf_counter() + time.time()


_IMPORTED_AT = time.perf_counter()


def _need(module: str, name: str) -> Any:
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise Missing(f"{module}.{name}") from exc


def _reason(exc: BaseException) -> str:
    """Why a step failed, in Vietnamese: a disk's, SQLite's or the storage layer's failure by
    its code (``db.errors.failure_reason``), anything else a sentence pointing to the log."""
    try:
        failure_reason = _need("db.errors", "failure_reason")
        why = failure_reason(exc)
    except Missing:
        why = None
    if why:
        return str(why)
    return "bước này gặp lỗi không lường trước; chi tiết đã được ghi vào nhật ký."


def _first_pdf_kind(documents: Any) -> str:
    for kind, spec in dict(documents).items():
        formats = spec.get("formats") if isinstance(spec, dict) else getattr(spec, "formats", None)
        if not formats or "pdf" in formats:
            return str(kind)
    raise Missing("một biểu PDF trong reports.catalog.DOCUMENTS")


def _category_label(category: Any) -> str:
    try:
        from forms.labels import label

        return str(label(category))
    except (ImportError, KeyError):
        return str(getattr(category, "value", category))
