"""The registry loads a commune's slim package for the upper level (``rasoat export --scope
commune --for-upper-level``) as it loads the full one: the same households, members and
categories by year, the deprivations by indicator; no CCCD number and no income reach the
province's database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from db.exchange.export import ExportScope, export_package
from db.records import CommuneInfo
from db.store import Store
from forms.classify import classify
from forms.model import Area
from forms.standards import standard_for_year
from rasoat.cli import main
from registry.database import connect, init
from registry.load import load_packages
from registry.throwaway import Cluster
from registry.whatif import province_whatif
from tests.registry.packages import households, make_package


def _commune_file(path: Path) -> Path:
    """A commune file of Lào Cai (in the province's 2025 list), two years classified."""
    homes = households(24, 5)
    info = CommuneInfo("15", "Tỉnh Lào Cai", "02947", "Xã Bảo Yên", Area.RURAL)
    with Store.create(path, info, user="Cán bộ xã", device="may-xa") as store:
        for year in (2025, 2026):
            standard = standard_for_year(year)
            rnd = store.start_round(year, standard.id)
            with store.transaction():
                for h in homes:
                    store.save_household(h, round_id=rnd.id, result=classify(h, standard, year))
    return path


def _rows(dsn: str) -> dict[str, Any]:
    with psycopg.connect(dsn) as conn:
        return {
            "years": sorted(
                conn.execute(
                    "SELECT household_id, year, category, deprivation_count, deprived, size"
                    " FROM household_years"
                ).fetchall()
            ),
            "members": sorted(
                conn.execute(
                    "SELECT member_id, name, relationship, sex, birth_year, ethnicity FROM members"
                ).fetchall()
            ),
            "households": sorted(
                conn.execute("SELECT household_id, code, village, head_name, size FROM households")
            ),
            "identity": conn.execute(
                "SELECT count(*) FROM members WHERE id_number IS NOT NULL"
            ).fetchone()[0],
            "income": conn.execute(
                "SELECT count(*) FROM results WHERE income IS NOT NULL"
            ).fetchone()[0],
        }


def test_the_registry_loads_the_slim_package_as_the_full_one(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    path = _commune_file(tmp_path / "xa.db")
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        export_package(store, tmp_path / "full.rasoat")
        export_package(
            store, tmp_path / "slim.rasoat", ExportScope(kind="commune", for_upper_level=True)
        )
    loaded = {}
    for name in ("full", "slim"):
        dsn = pg_cluster.create_database(f"registry_slim_{name}")
        with connect(dsn) as conn:
            init(conn, "15")
            [outcome] = load_packages(
                conn, [tmp_path / f"{name}.rasoat"], user="Cán bộ tỉnh", trust_new=True
            )
        assert outcome.status == "loaded", outcome.message
        loaded[name] = _rows(dsn)
    full, slim = loaded["full"], loaded["slim"]
    assert full["identity"] > 0
    assert full["income"] > 0
    assert (slim["identity"], slim["income"]) == (0, 0)
    for key in ("years", "members", "households"):
        assert slim[key] == full[key], key


def test_the_what_if_leaves_out_a_commune_whose_load_is_slim_and_names_it(
    pg_cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A slim package carries no form answers: reclassified, its households would all come
    out as lacking data. The province's what-if counts the other communes and names the
    slim one as not recalculated; the load's receipt says so too."""
    path = _commune_file(tmp_path / "xa.db")
    with Store.open(path, user="Cán bộ xã", device="may-xa") as store:
        export_package(
            store, tmp_path / "slim.rasoat", ExportScope(kind="commune", for_upper_level=True)
        )
    other = make_package(tmp_path / "other.rasoat", "02674", n=12, seed=2)
    dsn = pg_cluster.create_database("registry_slim_whatif")
    with connect(dsn) as conn:
        init(conn, "15")
        outcomes = load_packages(
            conn, [tmp_path / "slim.rasoat", other], user="Cán bộ tỉnh", trust_new=True
        )
        assert [o.status for o in outcomes] == ["loaded", "loaded"]
        slim_receipt = outcomes[0].receipt
        assert slim_receipt is not None
        assert any("Gói rút gọn gửi cấp trên" in w for w in slim_receipt.warnings)
        assert outcomes[1].receipt is not None
        assert not any("rút gọn" in w for w in outcomes[1].receipt.warnings)
        result = province_whatif(conn, "nd351-2026-2030", 2026, workers=1, chunk_size=5)
    assert [c.commune_code for c in result.communes] == ["02674"]
    assert result.households == 12
    assert result.left_out == [("02947", "Xã Bảo Yên")]
    assert main(["registry", "whatif", dsn, "--standard", "nd351-2026-2030"]) == 0
    out = capsys.readouterr().out
    assert "02947 | Xã Bảo Yên | chưa tính lại: gói xã gửi là bản rút gọn" in out
