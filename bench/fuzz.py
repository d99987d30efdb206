"""Mutation fuzzing of every untrusted input, through the real command line (issue 17).

python -m bench.fuzz                      # 12,000 mutants: packages, workbooks, household JSON
python -m bench.fuzz --count 600 --seed 3 # a short run
python -m bench.fuzz --report FILE        # also writes the summary (Markdown) to FILE

Seeds are made once in a temporary folder from a demo commune: a laptop's copy with households
edited and one deleted, exported as a plain and as an encrypted package; last year's list as a
commune workbook; a household JSON document. Each mutant is the seed with bytes flipped,
inserted, deleted, truncated, or — inside the zip — a part or a JSON/XML value changed, the
checksums recomputed and the manifest signed again by a "forger" laptop whose fingerprint the
command is told to trust (so the validators behind the signature are reached too).

Every mutant runs in a forked child on a fresh copy of the commune file: ``rasoat import``,
``rasoat excel-import --write`` or ``rasoat classify``. Per input: the outcome class by exit
code (0 ok, 1 refused, 2 unusable input; 70 internal error, a signal or the time limit are
bugs), wall time, the child's peak memory above the parent's (``wait4``'s ``ru_maxrss``), and
the bytes of files written or changed in its folder when it refused (must be 0: a refused
import leaves the commune file and its -wal byte-identical). Nothing is written outside the
temporary folder (in /dev/shm when there is one) but the optional report and, with --keep,
the inputs that showed a bug. Exit 1 when any bug class was seen.

The mutators are plain functions of a ``random.Random``; ``tests/fuzz`` runs a few hundred of
the same mutants in ``make test``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FUZZ_PASSWORD = "ruộng bậc thang mùa lúa chín"
TIME_LIMIT_S = 60  # per input; a child still running then is a hang (class "timeout")
MEMORY_LIMIT = 3 * 1024**3  # address space of a child: a memory bomb fails instead of swapping
KINDS = ("package", "workbook", "json")
# ``rasoat merge`` of a package mutant given three times: the third is read by the merge's
# reader process when its manifest passes (read first in the command, for its password).
# About half a second each (the reader's start), so a run of its own (``--kinds merge``),
# not in the default turn.
ALL_KINDS = (*KINDS, "merge")
PRELOAD = (
    "rasoat.cli",
    "db.exchange.merge",
    "db.exchange.excel_lists",
    "db.exchange.excel_store",
    "forms.classify",
    "reports.receipt",
)
BUGS = ("internal", "crash", "timeout", "traceback", "written_on_refusal", "not_vietnamese")

# --- values a hostile or broken file carries -------------------------------------------------

_HUGE = "Ư" * 300_000


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


INTERESTING: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    -10000,
    2**31,
    2**63,
    10**30,
    1e308,
    -0.0,
    0.5,
    float("nan"),
    float("inf"),
    "",
    " ",
    "a" * 5000,
    _HUGE,
    "\x00",
    "Nguyễn\x00Văn",
    "Lò\x1bVăn",
    "\u202eA",
    "\ud800",
    '=HYPERLINK("http://x.invalid","bấm")',
    "+84123",
    "@SUM(A1)",
    "-1+2",
    "2999-01-01",
    "1800-02-30",
    "abc",
    "-00000010000",
    "../../../etc/passwd",
    "<b>đậm</b>",
    "00000000-0000-0000-0000-000000000000",
    3000,
    1879,
    [],
    {},
    _nested(20),
    {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": 1}}}}}}}},
    list(range(5000)),
]


def interesting(rng: random.Random, old: Any = None) -> Any:
    """A hostile value, often derived from the old one."""
    if rng.random() < 0.3:
        if isinstance(old, bool):
            return not old
        if isinstance(old, int):
            return rng.choice([old + 1, -old, old * 10 ** rng.randrange(1, 25), -(2**64)])
        if isinstance(old, float):
            return rng.choice([-old, old * 1e300, float("nan")])
        if isinstance(old, str) and old:
            cut = rng.randrange(len(old) + 1)
            return rng.choice(
                [old[:cut], old * rng.randrange(2, 50), old + "\x07", old[:cut] + "\n" + old[cut:]]
            )
        if isinstance(old, list) and old:
            return rng.choice([old * 3, old[:-1], [*old, old[0]]])
    return rng.choice(INTERESTING)


def _dumps(value: Any) -> str:
    # NaN/Infinity as JSON writes them (Python's reader accepts them; ours must refuse them).
    return json.dumps(value, ensure_ascii=_needs_escapes(value))


def _needs_escapes(value: Any) -> bool:
    # A lone surrogate cannot be UTF-8: written as an escape, it is read back as one.
    return "\\ud800" in json.dumps(value)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:50]):
            out += _paths(v, (*prefix, i))
    return out


def mutate_json(value: Any, rng: random.Random) -> Any:
    """``value`` (a parsed document) with one to three values replaced, keys removed or added,
    list items duplicated or dropped."""
    value = json.loads(json.dumps(value))
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        path = rng.choice(_paths(value))
        if not path:
            if rng.random() < 0.1:
                return interesting(rng, value)
            continue
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        roll = rng.random()
        if roll < 0.6:
            parent[last] = interesting(rng, parent[last])
        elif roll < 0.75:
            del parent[last]
        elif roll < 0.85 and isinstance(parent, dict):
            parent[rng.choice(["x", "khac", last + "_", "__proto__"])] = interesting(rng)
        elif isinstance(parent, list):
            parent.insert(rng.randrange(len(parent) + 1), json.loads(json.dumps(parent[last])))
        else:
            parent[last] = interesting(rng, parent[last])
    return value


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """Flips, overwrites, inserts, deletes, duplicates, truncates or appends bytes."""
    n = max(len(data), 1)
    out = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4])):
        kind = rng.randrange(8)
        i = rng.randrange(n)
        if kind == 0:
            for _ in range(rng.randrange(1, 9)):
                j = rng.randrange(len(out) or 1)
                if out:
                    out[j] ^= 1 << rng.randrange(8)
        elif kind == 1 and out:
            out[min(i, len(out) - 1)] = rng.choice([0, 0xFF, 0x7F, 0x80, 0x20, 0x0A])
        elif kind == 2:
            out[i:i] = rng.randbytes(rng.randrange(1, 64))
        elif kind == 3:
            del out[i : i + rng.randrange(1, 512)]
        elif kind == 4:
            out[i:i] = out[i : i + rng.randrange(1, 2048)]
        elif kind == 5:
            del out[rng.randrange(len(out) + 1) :]
        elif kind == 6:
            out += rng.randbytes(rng.randrange(1, 256))
        else:
            out[i : i + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\xff\xff"])
        n = max(len(out), 1)
    return bytes(out)


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return buf.getvalue()


def _zip_member_mutation(parts: dict[str, bytes], rng: random.Random) -> None:
    """Parts dropped, added (path traversal, huge), renamed or duplicated."""
    names = list(parts)
    roll = rng.random()
    if roll < 0.3 and names:
        del parts[rng.choice(names)]
    elif roll < 0.6:
        name = rng.choice(["../thoat.txt", "/tuyet-doi.txt", "khac.json", "a/" * 40 + "b"])
        parts[name] = rng.choice([b"{}", b"\x00" * 10, b"0" * 20_000_000])
    elif names:
        old = rng.choice(names)
        parts[rng.choice([old.upper(), old + " ", "./" + old])] = parts.pop(old)


# --- packages ------------------------------------------------------------------------------


def resign(manifest: dict[str, Any], key: Any) -> None:
    from db.exchange.signing import SIGNATURE_FIELD, sign

    manifest.pop(SIGNATURE_FIELD, None)
    manifest[SIGNATURE_FIELD] = sign(manifest, key)


def mutate_package(data: bytes, rng: random.Random, forger: Any) -> bytes:
    """A package with its bytes damaged, or rebuilt with one part, line or manifest value
    changed, the checksums usually recomputed and the manifest usually signed again by
    ``forger`` (an Ed25519 key the command is told to trust)."""
    if rng.random() < 0.35:
        return mutate_bytes(data, rng)
    parts = read_zip(data)
    manifest = json.loads(parts["manifest.json"])
    encrypted = bool(manifest.get("encryption"))
    roll = rng.random()
    if roll < 0.1:
        _zip_member_mutation(parts, rng)
    elif roll < 0.35 or encrypted:
        if encrypted and rng.random() < 0.5:
            enc = manifest["encryption"]
            target = rng.choice(["kdf", "wrapped_keys", "cipher", None])
            if target is None:
                manifest["encryption"] = interesting(rng)
            else:
                enc[target] = mutate_json(enc[target], rng)
        else:
            manifest = mutate_json(manifest, rng)
    else:
        name = rng.choice(["households.jsonl", "households.jsonl", "commune.json"])
        body = parts.get(name, b"")
        if name.endswith(".jsonl"):
            lines = body.decode("utf-8").splitlines()
            i = rng.randrange(len(lines))
            r = rng.random()
            if r < 0.75:
                lines[i] = _dumps(mutate_json(json.loads(lines[i]), rng))
            elif r < 0.85:
                lines.insert(i, lines[i])  # the same household twice
            elif r < 0.9:
                del lines[i]
            else:
                lines[i] = rng.choice(["", "[" * 5000 + "]" * 5000, "null", lines[i][:-7]])
            parts[name] = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
        elif body:
            parts[name] = _dumps(mutate_json(json.loads(body), rng)).encode(
                "utf-8", "surrogatepass"
            )
        if isinstance(manifest.get("parts"), dict) and rng.random() < 0.85:
            blob = parts[name]
            manifest["parts"][name] = {
                **manifest["parts"].get(name, {}),
                "sha256": hashlib.sha256(blob).hexdigest(),
                "size": len(blob),
            }
    if rng.random() < 0.85:
        resign(manifest, forger)
    parts["manifest.json"] = _dumps(manifest).encode("utf-8", "surrogatepass")
    if encrypted:
        # Ciphertext is stored uncompressed in real packages; keep that layout.
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for n, blob in parts.items():
                zf.writestr(n, blob)
        return buf.getvalue()
    return write_zip(parts)


# --- workbooks -----------------------------------------------------------------------------

_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")
_TEXT = re.compile(rb"(<t[^>]*>)([^<]*)(</t>)")


def _xml_text(rng: random.Random) -> bytes:
    value = interesting(rng)
    text = value if isinstance(value, str) else json.dumps(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.encode("utf-8", "surrogatepass")


def mutate_workbook(data: bytes, rng: random.Random) -> bytes:
    """An .xlsx with damaged bytes, or a sheet's XML changed: a value, a shared string, the
    declared dimension, a cell's address or type, a formula put in, a part dropped."""
    if rng.random() < 0.3:
        return mutate_bytes(data, rng)
    parts = read_zip(data)
    sheet = "xl/worksheets/sheet1.xml"
    roll = rng.random()
    if roll < 0.08:
        _zip_member_mutation(parts, rng)
    elif roll < 0.2:
        name = rng.choice(list(parts))
        parts[name] = mutate_bytes(parts[name], rng)
    else:
        xml = parts[sheet]
        for _ in range(rng.choice([1, 1, 2, 5])):
            r = rng.random()
            if r < 0.3:
                hits = list(_CELL_VALUE.finditer(xml))
                if hits:
                    m = rng.choice(hits)
                    new = rng.choice([b"999999", b"-1", b"1e308", b"NaN", b"abc", b""])
                    xml = xml[: m.start(1)] + new + xml[m.end(1) :]
            elif r < 0.5 and "xl/sharedStrings.xml" in parts:
                shared = parts["xl/sharedStrings.xml"]
                hits = list(_TEXT.finditer(shared))
                if hits:
                    m = rng.choice(hits)
                    shared = shared[: m.start(2)] + _xml_text(rng) + shared[m.end(2) :]
                    parts["xl/sharedStrings.xml"] = shared
            elif r < 0.6:
                xml = re.sub(
                    rb'<dimension ref="[^"]*"',
                    b'<dimension ref="' + rng.choice([b"A1:XFD1048576", b"ZZ", b"A0"]) + b'"',
                    xml,
                )
            elif r < 0.7:
                refs = re.findall(rb' r="([A-Z]+[0-9]+)"', xml)
                if refs:
                    old = rng.choice(refs)
                    new = rng.choice([b"XFD1048576", b"A1048576", b"AAAA1", b"B0", b"A99999"])
                    xml = xml.replace(b' r="' + old + b'"', b' r="' + new + b'"', 1)
            elif r < 0.8:
                xml = re.sub(
                    rb' t="s"',
                    b' t="' + rng.choice([b"n", b"e", b"b", b"str", b"inlineStr", b"d"]) + b'"',
                    xml,
                    count=rng.randrange(1, 20),
                )
            elif r < 0.9:
                formula = rng.choice([b'HYPERLINK("http://x.invalid")', b"1/0", b"A1:XFD1048576"])
                xml = xml.replace(b"<v>", b"<f>" + formula + b"</f><v>", 1)
            else:
                xml = mutate_bytes(xml, rng)
        parts[sheet] = xml
    return write_zip(parts)


# --- household JSON ------------------------------------------------------------------------


def mutate_household_json(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.25:
        return mutate_bytes(data, rng)
    doc = mutate_json(json.loads(data), rng)
    return _dumps(doc).encode("utf-8", "surrogatepass")


# --- seeds ---------------------------------------------------------------------------------


@dataclass
class Seeds:
    folder: Path
    commune: Path  # the commune file a package or workbook goes into (closed, no -wal)
    plain: bytes
    encrypted: bytes
    workbook: bytes
    household_json: bytes
    forger: Any  # Ed25519PrivateKey
    forger_fp: str
    signer_fp: str  # the laptop that exported the seeds (another laptop when run in tests)


def make_seeds(folder: Path, households: int = 8) -> Seeds:
    """The inputs every mutant starts from. Sets RASOAT_HOME (the laptop's identity and
    signing key) and RASOAT_PASSWORD (what the command reads for encrypted packages) in this
    process's environment, inherited by the children."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    os.environ["RASOAT_HOME"] = str(folder / "home")
    os.environ["RASOAT_PASSWORD"] = FUZZ_PASSWORD
    from db.demo import create_demo_commune
    from db.exchange.devices import own_public_key
    from db.exchange.export import export_package
    from db.exchange.signing import fingerprint, public_bytes
    from db.store import Store
    from forms.demo import generate_households
    from forms.household_json import dump_document
    from tests.db.exchange.workbook import build

    commune = create_demo_commune(folder / "xa.sqlite", households=households, seed=5)
    laptop = folder / "may.sqlite"
    shutil.copyfile(commune, laptop)
    with Store.open(laptop, user="Điều tra viên A", device="may-a") as store:
        all_households = list(store.iter_households())
        for h in all_households[:3]:
            h.note = "sửa trên máy A"
            h.income_per_capita = (h.income_per_capita or 0) + 1000
            store.save_household(h)
        store.delete_household(all_households[-1].id)
        for h in generate_households(2, seed=77):
            h.code = "MOI-" + h.code
            store.save_household(h)
        export_package(store, folder / "plain.rasoat")
        export_package(store, folder / "enc.rasoat", password=FUZZ_PASSWORD, scrypt_n=2**4)
    build(folder / "ds.xlsx")
    doc = dump_document(generate_households(4, seed=9), review_year=2026)
    forger = Ed25519PrivateKey.generate()
    return Seeds(
        folder=folder,
        commune=commune,
        plain=(folder / "plain.rasoat").read_bytes(),
        encrypted=(folder / "enc.rasoat").read_bytes(),
        workbook=(folder / "ds.xlsx").read_bytes(),
        household_json=json.dumps(doc, ensure_ascii=False).encode(),
        forger=forger,
        forger_fp=fingerprint(public_bytes(forger)),
        signer_fp=fingerprint(own_public_key()),
    )


@dataclass
class Case:
    kind: str
    route: str  # which seed and mutator
    data: bytes
    argv: Callable[[Path, Path], list[str]]  # (commune file, input file) -> rasoat argv
    needs_commune: bool
    suffix: str


def make_case(seeds: Seeds, kind: str, rng: random.Random, raw: bool = False) -> Case:
    if kind in ("package", "merge"):
        enc = rng.random() < 0.3
        seed_bytes = seeds.encrypted if enc else seeds.plain
        data = (
            mutate_bytes(seed_bytes, rng) if raw else mutate_package(seed_bytes, rng, seeds.forger)
        )
        flags: list[str] = []
        if rng.random() < 0.9:
            trust = [seeds.forger_fp, seeds.signer_fp]
            flags = [*(f"--trust-device={fp}" for fp in trust), "--allow-deletions"]
        # ``merge`` gives the mutant three times: the first two read in the command's
        # process, the third in its reader process (``merge_ahead``) once its manifest has
        # been read here, each refused or taken as ``import`` would; refused, none is taken
        # and nothing is written.
        command, copies = ("merge", 3) if kind == "merge" else ("import", 1)
        return Case(
            kind,
            "encrypted" if enc else "plain",
            data,
            lambda db, f: [command, str(db), *[str(f)] * copies, *flags],
            True,
            ".rasoat",
        )
    if kind == "workbook":
        data = mutate_bytes(seeds.workbook, rng) if raw else mutate_workbook(seeds.workbook, rng)
        return Case(
            kind,
            "xlsx",
            data,
            lambda db, f: ["excel-import", str(db), str(f), "--year", "2025", "--write"],
            True,
            ".xlsx",
        )
    data = (
        mutate_bytes(seeds.household_json, rng)
        if raw
        else mutate_household_json(seeds.household_json, rng)
    )
    extra = ["--what-if", "nd07-2022-2025"] if rng.random() < 0.3 else []
    return Case(kind, "json", data, lambda db, f: ["classify", str(f), *extra], False, ".json")


def cases(seeds: Seeds, count: int, seed: int, kinds: tuple[str, ...] = KINDS) -> Iterator[Case]:
    """``count`` mutants, the kinds in turn; the same seed gives the same mutants."""
    for i in range(count):
        rng = random.Random(seed * 1_000_003 + i)
        try:
            yield make_case(seeds, kinds[i % len(kinds)], rng)
        except Exception:
            # A mutant the forger cannot build (a manifest no longer a JSON object, a lone
            # surrogate that cannot be signed): damaged bytes of the same seed instead.
            yield make_case(seeds, kinds[i % len(kinds)], random.Random(-i - 1), raw=True)


# --- running one input ---------------------------------------------------------------------


_EMPTY = hashlib.sha256(b"").hexdigest()


def folder_state(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``folder``: size and SHA-256. SQLite's ``-shm`` (a shared-memory index
    rebuilt by every open, no data) is left out; an absent ``-wal`` counts as an empty one
    (a read-only check of a WAL file leaves an empty ``-wal`` behind, as any open does)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.endswith("-shm"):
            out[str(p.relative_to(folder))] = (
                p.stat().st_size,
                hashlib.sha256(p.read_bytes()).hexdigest(),
            )
    for name in list(out):
        if name.endswith(".sqlite"):
            out.setdefault(name + "-wal", (0, _EMPTY))
    return out


def written_bytes(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> int:
    """Bytes of files new or changed (and 1 per file removed)."""
    total = 0
    for name, (size, digest) in after.items():
        if before.get(name, (None, None))[1] != digest:
            total += max(size, 1)
    total += sum(1 for name in before if name not in after)
    return total


@dataclass
class Outcome:
    kind: str
    route: str
    klass: str  # ok, refused, unusable, internal, crash, timeout
    code: int | None
    seconds: float
    peak_kb: int  # the child's peak resident memory (the loaded program, ~40 MB, included)
    written_on_refusal: int
    message: str
    flags: list[str] = field(default_factory=list)  # bug classes beyond klass


def classify_exit(code: int | None, sig: int | None) -> str:
    if sig == signal.SIGALRM:
        return "timeout"
    if sig is not None:
        return "crash"
    return {0: "ok", 1: "refused", 2: "unusable", 70: "internal"}.get(code or 0, "crash")


def prepare(case: Case, work: Path, seeds: Seeds) -> tuple[list[str], dict[str, tuple[int, str]]]:
    """A fresh folder with a copy of the commune file and the input: the argv and the state."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    db = work / "xa.sqlite"
    if case.needs_commune:
        shutil.copyfile(seeds.commune, db)
    inp = work / ("dau-vao" + case.suffix)
    inp.write_bytes(case.data)
    return case.argv(db, inp), folder_state(work)


def run_in_process(case: Case, work: Path, seeds: Seeds) -> Outcome:
    """The same check in this process (the test suite's way: no fork, no memory figure)."""
    import contextlib

    from rasoat.cli import main

    argv, before = prepare(case, work, seeds)
    text = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(text), contextlib.redirect_stderr(text):
        code = main(argv)
    seconds = time.perf_counter() - start
    return judge(case, code, None, seconds, 0, text.getvalue(), before, work)


def run_forked(case: Case, work: Path, seeds: Seeds) -> Outcome:
    """Runs one case in a forked child (isolation, a time limit, its own peak memory)."""
    argv, before = prepare(case, work, seeds)
    out_file = seeds.folder / "child.out"
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 99
        try:
            fd = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            signal.alarm(TIME_LIMIT_S)
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
            from rasoat.cli import main

            code = main(argv)
        except BaseException as exc:  # reported as class "crash" (99)
            print(f"fuzz child: {type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    text = out_file.read_text(encoding="utf-8", errors="replace")
    return judge(case, code, sig, seconds, usage.ru_maxrss, text, before, work)


_REFUSED = ": KHÔNG NHẬP — "  # how ``rasoat merge`` names a package it refused
_ROW_ERROR = "Lỗi — "  # how ``rasoat excel-import`` names a row it refused


def judge(
    case: Case,
    code: int | None,
    sig: int | None,
    seconds: float,
    peak_kb: int,
    text: str,
    before: dict[str, tuple[int, str]],
    work: Path,
) -> Outcome:
    klass = classify_exit(code, sig)
    said = text.splitlines()
    flags = []
    written = 0
    if klass in ("refused", "unusable"):
        written = written_bytes(before, folder_state(work))
        if written:
            flags.append("written_on_refusal")
        # Each package a merge refused: its reason, after the Vietnamese words naming it.
        reasons = [line.partition(_REFUSED)[2] for line in said if _REFUSED in line]
        lines = [line for line in said if line.startswith("rasoat ")] or [text]
        if not all(any(ord(ch) > 127 for ch in reason) for reason in reasons or ["".join(lines)]):
            flags.append("not_vietnamese")
    if "Traceback (most recent call last)" in text:
        flags.append("traceback")
    # A command's own failure ("rasoat import: …"), or a package merge refused by name, or
    # the first row a workbook was refused for ("Lỗi — Dòng 7, cột C: …", excel-import's
    # report, exit 1).
    message = next((line for line in said if line.startswith("rasoat ") or _REFUSED in line), "")
    if not message:
        message = next((line for line in said if line.startswith(_ROW_ERROR)), "")
    if klass not in ("ok", "refused", "unusable"):
        message = text.strip()[-300:]
    return Outcome(
        case.kind, case.route, klass, code, seconds, peak_kb, written, message[:200], flags
    )


# --- the experiment ------------------------------------------------------------------------


def summarise(outcomes: list[Outcome], elapsed: float, seed: int) -> str:
    lines = [
        f"{len(outcomes):,} mutants (seed {seed}), {elapsed / 60:.1f} min, one at a time "
        "in forked children under nice.",
        "",
        "| input | mutants | ok (0) | refused (1) | unusable (2) | internal error (70) | "
        "crash / timeout | written on refusal | worst time | worst peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in ALL_KINDS:
        rows = [o for o in outcomes if o.kind == kind]
        if not rows:
            continue
        c = Counter(o.klass for o in rows)
        worst_t = max(rows, key=lambda o: o.seconds)
        worst_m = max(rows, key=lambda o: o.peak_kb)
        lines.append(
            f"| {kind} | {len(rows):,} | {c['ok']:,} | {c['refused']:,} | {c['unusable']:,} | "
            f"{c['internal']} | {c['crash'] + c['timeout']} | "
            f"{sum(1 for o in rows if o.written_on_refusal)} | {worst_t.seconds:.2f} s | "
            f"{worst_m.peak_kb / 1024:.0f} MB |"
        )
    lines.append("")
    lines.append("Most frequent reasons given, per input (first words of the message):")
    for kind in (k for k in ALL_KINDS if any(o.kind == k for o in outcomes)):
        reasons = Counter(
            re.sub(
                r"[0-9]+", "N", o.message.partition(_REFUSED)[2] or o.message.partition(": ")[2]
            )[:70]
            for o in outcomes
            if o.kind == kind and o.klass in ("refused", "unusable")
        )
        top = "; ".join(f"{n}× “{text}”" for text, n in reasons.most_common(6))
        lines.append(f"- {kind}: {len(reasons)} different; {top}")
    bugs = [o for o in outcomes if o.klass in BUGS or o.flags]
    lines.append("")
    lines.append(f"Bugs: {len(bugs)}.")
    for o in bugs[:20]:
        lines.append(f"- {o.kind}/{o.route}: {o.klass} {o.flags} — {o.message[:160]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--report", help="write the summary (Markdown) to this file")
    parser.add_argument("--keep", help="folder to keep the inputs that showed a bug in")
    args = parser.parse_args(argv)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    if not kinds or set(kinds) - set(ALL_KINDS):
        parser.error(f"--kinds: some of {', '.join(ALL_KINDS)}")
    # Loaded once here, so the children measure the input, not the imports.
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    outcomes: list[Outcome] = []
    start = time.perf_counter()
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None  # no fsync cost in memory
    with tempfile.TemporaryDirectory(prefix="rasoat-fuzz-", dir=shm) as tmp:
        seeds = make_seeds(Path(tmp))
        work = Path(tmp) / "case"
        for i, case in enumerate(cases(seeds, args.count, args.seed, kinds), 1):
            outcome = run_forked(case, work, seeds)
            outcomes.append(outcome)
            if outcome.klass in BUGS or outcome.flags:
                print(f"BUG {i}: {outcome.klass} {outcome.flags} {outcome.message[:200]}")
                if args.keep:
                    keep = Path(args.keep) / f"bug-{args.seed}-{i}{case.suffix}"
                    keep.write_bytes(case.data)
            if i % 500 == 0:
                c = Counter(o.klass for o in outcomes)
                print(f"{i:,}/{args.count:,} {dict(c)} {time.perf_counter() - start:.0f} s")
                sys.stdout.flush()
    summary = summarise(outcomes, time.perf_counter() - start, args.seed)
    print(summary)
    if args.report:
        Path(args.report).write_text(summary, encoding="utf-8")
    return 1 if any(o.klass in BUGS or o.flags for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
