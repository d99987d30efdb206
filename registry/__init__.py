"""The province registry: every commune's packages in one PostgreSQL database (issue 21).

Qt-free, like ``db``: the CLI (``rasoat registry``) and the desktop sit over it. Packages are
read with ``db.exchange.package.read_package``, the reader and validators of the commune
import. Not in the commune laptops' bundle (``packaging/rasoat.spec`` excludes it).
"""
