"""The main job of `make run` on a machine with no screen."""

from __future__ import annotations


def run_headless() -> int:
    # Filled in once storage and reports land: build the demo commune and print its
    # village review list as PDF.
    print("Chưa có việc chạy không màn hình.")
    return 0
