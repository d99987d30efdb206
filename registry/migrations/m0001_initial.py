"""The registry's first schema (issue 21).

Every row carries the province and commune codes (2025 admin units): the natural partition
key for a national database and the distribution key on Citus (docs/registry.md). Primary keys
start with ``province_code`` for that reason (a partitioned table's keys must hold its
partition key). No foreign keys between the data tables: COPY stays fast, and Citus
distributes such tables without reference rules; the loader is the one writer and keeps them
consistent inside one transaction per package.

History: each accepted package is a ``loads`` row with its own copy of the commune's rows. The
commune's current state is the load whose ``valid_to`` is NULL (one per commune, a unique
partial index); a newer package closes it (``valid_to``, ``superseded_by``) and opens its own.
"""

SQL = """
CREATE TABLE registry_settings (
    key text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE loads (
    province_code text NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    commune_code text NOT NULL,
    commune_name text NOT NULL,
    province_name text NOT NULL,
    package_id text NOT NULL,
    package_sha256 text NOT NULL,
    package_created_at text NOT NULL,
    package_created_by text NOT NULL,
    package_device text NOT NULL,
    signer text NOT NULL,
    source text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    loaded_by text NOT NULL,
    households integer NOT NULL,
    members integer NOT NULL,
    results integer NOT NULL,
    valid_from timestamptz NOT NULL DEFAULT now(),
    valid_to timestamptz,
    superseded_by bigint,
    receipt jsonb NOT NULL,
    PRIMARY KEY (province_code, id),
    UNIQUE (province_code, package_id)
);
CREATE UNIQUE INDEX loads_current ON loads (province_code, commune_code) WHERE valid_to IS NULL;
CREATE INDEX loads_sha256 ON loads (package_sha256);

CREATE TABLE rounds (
    province_code text NOT NULL,
    commune_code text NOT NULL,
    load_id bigint NOT NULL,
    round_id text NOT NULL,
    year integer NOT NULL,
    standard_id text NOT NULL,
    kind text NOT NULL,
    started_at text,
    reference_date date,
    PRIMARY KEY (province_code, load_id, round_id)
);

CREATE TABLE households (
    province_code text NOT NULL,
    commune_code text NOT NULL,
    load_id bigint NOT NULL,
    household_id text NOT NULL,
    code text NOT NULL,
    village text NOT NULL,
    head_name text NOT NULL,
    size integer NOT NULL,
    deleted boolean NOT NULL,
    rev text NOT NULL,
    updated_at text NOT NULL,
    doc json NOT NULL,
    PRIMARY KEY (province_code, load_id, household_id)
);

CREATE TABLE members (
    province_code text NOT NULL,
    commune_code text NOT NULL,
    load_id bigint NOT NULL,
    household_id text NOT NULL,
    position integer NOT NULL,
    member_id text NOT NULL,
    name text NOT NULL,
    relationship text,
    sex text,
    birth_year integer,
    ethnicity text,
    id_number text,
    PRIMARY KEY (province_code, load_id, household_id, position)
);

CREATE TABLE results (
    province_code text NOT NULL,
    commune_code text NOT NULL,
    load_id bigint NOT NULL,
    household_id text NOT NULL,
    round_id text NOT NULL,
    year integer NOT NULL,
    standard_id text NOT NULL,
    category text NOT NULL,
    b1_score integer,
    income bigint,
    deprivation_count integer NOT NULL,
    deprived text[] NOT NULL,
    doc json NOT NULL,
    PRIMARY KEY (province_code, load_id, household_id, round_id)
);
"""
