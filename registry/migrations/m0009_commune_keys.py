"""The keys the province trusts to sign each commune's packages (``registry.keys``): a
package is loaded only when it is signed by a key trusted for its commune, as a commune file
merges only the packages of the laptops whose keys it keeps (``exchange_devices``,
``db.exchange.devices``).

One row each time a key is trusted for a commune: its fingerprint and public key (base64,
as a package's signature carries it), a label (who made the package it was read from, on
which laptop), the file it was read from, who trusted it, when and how (``rasoat registry
keys --trust`` or ``rasoat registry load --trust-new``); ``retired_at``/``retired_by`` when
trust is withdrawn (``keys --untrust``). A key trusted again after that is a new row, so the
table is also the record of who trusted and withdrew what. At most one trusted (not
retired) row per commune and key.

Like every table its key starts with ``province_code`` (docs/registry.md). No key is made
for the loads already there: the next package of each commune is refused until the officer
trusts its key (``keys --trust``, or ``load --trust-new``, which takes the key of a commune
with none only when it is the key of the commune's current load, or that load is unsigned).
"""

SQL = """
CREATE TABLE commune_keys (
    province_code text NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    commune_code text NOT NULL,
    fingerprint text NOT NULL,
    public_key text NOT NULL,
    label text NOT NULL,
    source text NOT NULL,
    trusted_at timestamptz NOT NULL DEFAULT now(),
    trusted_by text NOT NULL,
    trusted_how text NOT NULL,
    retired_at timestamptz,
    retired_by text,
    PRIMARY KEY (province_code, id)
);
CREATE UNIQUE INDEX commune_keys_trusted ON commune_keys (province_code, commune_code, fingerprint)
    WHERE retired_at IS NULL;
"""
