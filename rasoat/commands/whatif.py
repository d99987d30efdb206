"""`rasoat whatif TỆP_XÃ --standard MÃ_CHUẨN [--out FILE]`: the commune what-if report, every
household of the current round recomputed under another standard (reports.whatif)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rasoat import signin


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "whatif",
        help="so sánh kết quả của xã theo một chuẩn khác (PDF hoặc XLSX)",
        description=(
            "Tính lại mọi hộ của kỳ rà soát hiện tại theo một chuẩn khác: hộ có phân loại "
            "khác, vì sao, và tổng hợp theo thôn."
        ),
    )
    parser.add_argument("file", metavar="TỆP_XÃ", help="tệp dữ liệu xã (.rasoat.sqlite)")
    parser.add_argument("--standard", metavar="MÃ_CHUẨN", required=True, help="mã chuẩn để so sánh")
    parser.add_argument("--out", metavar="TỆP", help="tệp kết quả, .pdf hoặc .xlsx")
    signin.add_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from db import round_basis
    from db.errors import StoreError
    from forms.roles import Action
    from forms.standards import StandardError
    from reports.review import ReportError, load_review
    from reports.whatif import whatif_report

    path = Path(args.file)
    why = signin.not_a_commune_file(path)
    if why is not None:
        print(f"rasoat whatif: {why}", file=sys.stderr)
        return 2
    out = Path(args.out or path.with_suffix("").name + "-so-sanh.pdf")
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "xlsx"):
        print("rasoat whatif: --out phải là tệp .pdf hoặc .xlsx.", file=sys.stderr)
        return 2
    try:
        # "Last seen" with the print's audit row: a refusal leaves the file byte-identical.
        # On a file with users only a signed-in user prints it.
        with signin.open_store(path, args, action=Action.PRINT) as store:
            other = round_basis.resolve(store, args.standard)
            data = load_review(store, None)
            if data.standard is not None:
                data.standard = round_basis.resolve(store, data.standard.id)
            document = whatif_report(data, other=other)
            # Rendered while the file is open: the print is recorded in its audit log.
            from reports import save_document

            save_document(document, store, out, fmt=fmt)
    except StandardError as exc:
        print(f"rasoat whatif: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"rasoat whatif: {exc.message}", file=sys.stderr)
        return signin.exit_code(exc, 1)
    except ReportError as exc:
        print(f"rasoat whatif: {exc.message}", file=sys.stderr)
        return 1
    print(out)
    return 0
