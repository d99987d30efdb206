"""Which rule made each load's household_years, year_counts and year_deprivations
(``loads.rules``; the loader writes ``registry.load.RULES``).

Those rows are made once, when a package is loaded, by ``upper_level.lists_in_force`` and
``movement_inputs``. When those changed, migrations 7 and 8 made ``year_counts`` again in
SQL from ``household_years`` as it stood, and nothing made ``household_years`` again: a load
made before session 24's change kept its lists in force (a month decided while the next
review was surveyed counted in no year; a household only a month put on the lists not
classified) until its commune's next package, and SQL copies of the rule drift from it
(migration 8 orders two rounds of one start by chance, the loader by id).

Loads already there are 0 here; ``rasoat registry init`` then makes their rows again with
the loader's own functions from their ``results`` and ``rounds`` (``registry.derived``), and
again whenever ``RULES`` is raised. Loads made before migration 3 carry no decisions nor
sent-back households: made again, they are their periodic rounds' results, as migration 3
left them.
"""

SQL = """
ALTER TABLE loads ADD COLUMN IF NOT EXISTS rules integer NOT NULL DEFAULT 0;
"""
