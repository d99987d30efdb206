"""Parquet files for analysts: households, members and results of every commune's current
load (or of every load with ``history``), and those loads, written in batches from
server-side cursors with pyarrow, so a province of a million households never sits in
memory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq

from db.private_tmp import owner_only
from registry.database import registry_province

BATCH = 20_000

TABLES: dict[str, tuple[str, pa.Schema]] = {
    # Each load the other files' rows are of: with --history a commune's superseded rows sit
    # beside its current ones, and the load id said nothing without it. The self-join keeps
    # the shape the others have (``t`` the table, ``l`` its load).
    "loads": (
        "SELECT t.province_code, t.commune_code, t.id, t.commune_name, t.package_id,"
        " t.package_created_at, t.loaded_at, t.valid_from, t.valid_to, t.superseded_by,"
        " t.households, t.members, t.for_upper_level FROM loads t",
        pa.schema(
            [
                ("province_code", pa.string()),
                ("commune_code", pa.string()),
                ("load_id", pa.int64()),
                ("commune_name", pa.string()),
                ("package_id", pa.string()),
                ("package_created_at", pa.string()),
                ("loaded_at", pa.timestamp("us", tz="UTC")),
                ("valid_from", pa.timestamp("us", tz="UTC")),
                ("valid_to", pa.timestamp("us", tz="UTC")),
                ("superseded_by", pa.int64()),
                ("households", pa.int32()),
                ("members", pa.int32()),
                ("for_upper_level", pa.bool_()),
            ]
        ),
    ),
    "households": (
        "SELECT t.province_code, t.commune_code, t.load_id, t.household_id, t.code, t.village,"
        " t.head_name, t.size, t.deleted, t.rev, t.updated_at FROM households t",
        pa.schema(
            [
                ("province_code", pa.string()),
                ("commune_code", pa.string()),
                ("load_id", pa.int64()),
                ("household_id", pa.string()),
                ("code", pa.string()),
                ("village", pa.string()),
                ("head_name", pa.string()),
                ("size", pa.int32()),
                ("deleted", pa.bool_()),
                ("rev", pa.string()),
                ("updated_at", pa.string()),
            ]
        ),
    ),
    "members": (
        "SELECT t.province_code, t.commune_code, t.load_id, t.household_id, t.position,"
        " t.member_id, t.name, t.relationship, t.sex, t.birth_year, t.ethnicity, t.id_number"
        " FROM members t",
        pa.schema(
            [
                ("province_code", pa.string()),
                ("commune_code", pa.string()),
                ("load_id", pa.int64()),
                ("household_id", pa.string()),
                ("position", pa.int32()),
                ("member_id", pa.string()),
                ("name", pa.string()),
                ("relationship", pa.string()),
                ("sex", pa.string()),
                ("birth_year", pa.int32()),
                ("ethnicity", pa.string()),
                ("id_number", pa.string()),
            ]
        ),
    ),
    "results": (
        "SELECT t.province_code, t.commune_code, t.load_id, t.household_id, t.round_id, t.year,"
        " t.standard_id, t.category, t.b1_score, t.income, t.deprivation_count, t.deprived"
        " FROM results t",
        pa.schema(
            [
                ("province_code", pa.string()),
                ("commune_code", pa.string()),
                ("load_id", pa.int64()),
                ("household_id", pa.string()),
                ("round_id", pa.string()),
                ("year", pa.int32()),
                ("standard_id", pa.string()),
                ("category", pa.string()),
                ("b1_score", pa.int32()),
                ("income", pa.int64()),
                ("deprivation_count", pa.int32()),
                ("deprived", pa.list_(pa.string())),
            ]
        ),
    ),
}


def export_parquet(
    conn: psycopg.Connection[Any],
    folder: Path,
    *,
    history: bool = False,
    id_numbers: bool = False,
) -> dict[str, Path]:
    """``folder/loads.parquet``, ``households.parquet``, ``members.parquet``,
    ``results.parquet``; returns them.
    Personal data (names): the files are for the province's own analysts. The members' ID
    numbers are left empty unless ``id_numbers`` (matching people against another register):
    counting and analysing need none (docs/privacy.md)."""
    province = registry_province(conn)
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    # Each file is written under a name of its own and the three put in place together once
    # all are whole: an export refused half-way (a login not allowed the ID numbers, a lost
    # connection) left households.parquet new and members.parquet a valid file of 0 rows.
    making: dict[str, Path] = {}
    try:
        for name, (select, schema) in TABLES.items():
            if name == "members" and not id_numbers:
                select = select.replace("t.id_number", "NULL::text AS id_number")
            own_id = "t.id" if name == "loads" else "t.load_id"
            sql = select + (
                f" JOIN loads l ON l.province_code = t.province_code AND l.id = {own_id}"
                " WHERE t.province_code = %s"
            )
            if not history:
                sql += " AND l.valid_to IS NULL"
            making[name] = folder / f".{name}.parquet.dang-ghi"
            # Owner-only before a byte is written (a server several staff log in to): names,
            # households and, asked for, ID numbers of the whole province.
            owner_only(making[name], create=True)
            with (
                pq.ParquetWriter(making[name], schema) as writer,
                conn.transaction(),
                conn.cursor(name=f"rasoat_export_{name}") as cur,
            ):
                cur.execute(sql, (province,))
                while rows := cur.fetchmany(BATCH):
                    columns = list(zip(*rows, strict=True))
                    writer.write_batch(
                        pa.RecordBatch.from_arrays(
                            [
                                pa.array(c, type=f.type)
                                for c, f in zip(columns, schema, strict=True)
                            ],
                            schema=schema,
                        )
                    )
    except BaseException:
        for part in making.values():
            part.unlink(missing_ok=True)
        if made and not any(folder.iterdir()):
            folder.rmdir()
        raise
    written: dict[str, Path] = {}
    for name, part in making.items():
        written[name] = part.replace(folder / f"{name}.parquet")
    return written
