"""Commune packages for the registry tests and the benchmark: demo households
(``forms.demo``) classified with ``forms.classify`` and written by the exporter's package
writer (``db.exchange.package.write_package``), as a commune laptop exports its whole file,
signed as a laptop signs it: by default with the commune's own test key (``commune_key``),
which ``trust_communes`` trusts in a registry as ``rasoat registry keys --trust`` does."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.exchange.package import PackageRecord, RevEntry, write_package
from db.exchange.signing import fingerprint, public_bytes
from forms.classify import classify_many, result_to_dict
from forms.demo import generate_households
from forms.model import Household
from forms.standards import standard_for_year

PROVINCE = "15"  # Lào Cai
PROVINCE_NAME = "Lào Cai"
# Communes of Lào Cai in the 2025 list (forms.admin_units.communes(15)).
COMMUNES = {"02947": "Xã Bảo Yên", "02674": "Phường Cam Đường", "02647": "Phường Lào Cai"}


# ``make_package``'s default signer: the commune's test key (``commune_key``).
COMMUNE_KEY = "commune"


def commune_key(commune: str) -> Ed25519PrivateKey:
    """The test laptop's signing key of ``commune``: the same in every run and process (the
    benchmark's cached packages are signed with it too)."""
    seed = hashlib.sha256(f"rasoat registry test key {commune}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def key_fingerprint(key: Ed25519PrivateKey) -> str:
    return fingerprint(public_bytes(key))


def trust_communes(conn: Any, codes: Iterable[str] = COMMUNES) -> None:
    """The communes' test keys trusted in the registry on ``conn`` (initialised), as the
    officer trusts a laptop's key after comparing its fingerprint with the commune
    (``registry.keys.trust``, what ``rasoat registry keys --trust`` writes)."""
    import base64

    from registry import keys
    from registry.database import registry_province

    province = registry_province(conn)
    with conn.transaction():
        for code in codes:
            keys.trust(
                conn,
                province,
                code,
                public_key=base64.b64encode(public_bytes(commune_key(code))).decode(),
                label="Cán bộ xã (máy may-xa)",
                source="thử",
                user="Cán bộ tỉnh",
                how=keys.BY_COMMAND,
            )


def households(n: int, seed: int) -> list[Household]:
    """Demo households the commune import accepts today: forms.demo draws birth dates up to
    the end of the current year, which the validator refuses as "in the future" when run
    before then (seen in December); such a date is dropped, the birth year kept."""
    today = date.today()
    homes = list(generate_households(n, seed=seed))
    for hh in homes:
        for m in hh.members:
            if m.birth_date is not None and m.birth_date > today:
                m.birth_year, m.birth_date = m.birth_date.year, None
    return homes


def make_package(
    path: Path,
    commune: str = "02947",
    *,
    n: int = 20,
    seed: int = 1,
    created_at: str = "2026-10-01T08:00:00+00:00",
    province: str = PROVINCE,
    province_name: str = PROVINCE_NAME,
    scope: str = "commune",
    homes: list[Household] | None = None,
    years: tuple[int, ...] = (2025, 2026),
    password: str | None = None,
    shift: int = 0,
    gap: int = 0,
    reference_date: str | None = None,
    signer: Any = COMMUNE_KEY,
    name: str | None = None,
) -> Path:
    """``shift``: the k-th year's results are those of the household ``k * shift`` places
    on, so households move between categories from year to year (the same demo households
    classify alike every year); the reader checks a result's form, not whose it is.
    ``gap``: every gap-th household has no result in the second year (not reviewed then).
    ``reference_date``: the rounds' (any text, as a sending file may hold). ``name``: the
    commune's, the 2025 list's for its code by default. ``signer``: an Ed25519 private key,
    the commune's test key by default (``commune_key``), None for an unsigned package (format
    1, as the first release wrote)."""
    homes = homes if homes is not None else households(n, seed)
    rounds = []
    results: dict[str, dict[int, dict[str, Any]]] = {}
    for year in years:
        round_id = f"r{year}"
        standard = standard_for_year(year)
        rounds.append(
            {
                "id": round_id,
                "year": year,
                "standard_id": standard.id,
                "kind": "periodic",
                "started_at": f"{year}-09-01T00:00:00Z",
                "reference_date": reference_date,
            }
        )
        done = classify_many(homes, standard, year)
        results[round_id] = {i: result_to_dict(r) for i, r in enumerate(done)}
    records = []
    for i, hh in enumerate(homes):
        by_round = {
            rid: results[rid][(i + k * shift) % len(homes)]
            for k, rid in enumerate(results)
            if not (gap and k == 1 and i % gap == 0)
        }
        rev = str(uuid.UUID(int=(hash((hh.id, created_at)) & ((1 << 128) - 1))))
        records.append(
            PackageRecord(
                household=hh,
                rev=rev,
                revs=[RevEntry(rev, None, "may-xa", "Cán bộ xã", created_at)],
                created_at=created_at,
                created_device="may-xa",
                updated_at=created_at,
                updated_device="may-xa",
                updated_by="Cán bộ xã",
                results=by_round,
            )
        )
    name = name if name is not None else COMMUNES.get(commune, f"Xã {commune}")
    header = {
        "app_version": "test",
        "created_by": "Cán bộ xã",
        "created_at": created_at,
        "device": "may-xa",
        "commune": {
            "code": commune,
            "name": name,
            "province_code": province,
            "province_name": province_name,
        },
        "round": None,
        "standard": None,
        "scope": {"kind": scope, "description": "toàn bộ dữ liệu của xã"},
        "personal_data": True,
    }
    commune_part = {
        "commune": {"commune_code": commune, "commune_name": name},
        "villages": [],
        "rounds": rounds,
    }
    # A low scrypt cost where a password is given: the tests' time, not the format.
    write_package(
        path,
        header,
        commune_part,
        records,
        password=password,
        scrypt_n=2**10 if password else None,
        signer=commune_key(commune) if signer == COMMUNE_KEY else signer,
    )
    return path


def staff_login(dsn: str, role: str) -> str:
    """``dsn`` as ``role``, a login for the Department's staff as `rasoat registry staff`
    grants it (after ``init``): every table, but not the members' ID numbers nor the
    households' documents (which hold them too)."""
    import re

    import psycopg

    from registry import staff

    with psycopg.connect(dsn, autocommit=True) as conn:
        # Roles are the cluster's, shared by the session's databases; grants are each one's.
        if not staff.exists(conn, role):
            conn.execute(f"CREATE ROLE {role} LOGIN")
        staff.grant(conn, role)
    return re.sub(r"user=\S+", f"user={role}", dsn)
