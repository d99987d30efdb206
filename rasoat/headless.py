"""The main job of `make run` on a machine with no screen: make sure the demo commune exists,
then print its first village's list for the review meeting as PDF."""

from __future__ import annotations

import sys
from typing import TextIO


def run_headless(out: TextIO | None = None) -> int:
    import reports
    from db.demo import create_demo_commune
    from db.errors import StoreError
    from db.store import Store
    from rasoat import paths
    from rasoat.identity import device_id

    stream = out or sys.stdout
    commune = paths.demo_file()
    try:
        if not commune.exists():
            print(f"Đang tạo xã mẫu tại {commune} …", file=stream, flush=True)
            create_demo_commune(commune)
        with Store.open(commune, user="rasoat", device=device_id()) as store:
            villages = store.villages()
            if not villages:
                print(f"Tệp xã {commune} chưa có thôn nào.", file=sys.stderr)
                return 1
            village = villages[0].name
            pdf = paths.output_dir() / f"danh-sach-hop-{_slug(village)}.pdf"
            reports.build("meeting_list", store, pdf, village=village)
    except (StoreError, reports.ReportError) as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"Tệp dữ liệu xã mẫu: {commune}", file=stream)
    print(f"Danh sách hộ đưa ra bình xét tại cuộc họp {village}: {pdf}", file=stream)
    return 0


def _slug(name: str) -> str:
    from forms.text import fold

    return "-".join(fold(name).split()) or "thon"


__all__ = ["run_headless"]
