"""Which load came from a commune's slim package for the upper level (``rasoat export
--scope commune --for-upper-level``, issue 20). Such a package carries no form answers, so
its households cannot be classified again under another standard: the what-if leaves a
commune out while its current load is one, and says so, rather than counting households
from documents that lack what the rules read.

Loads made before this step are full packages: the registry could not read a slim package
(format 3) before it.
"""

SQL = """
ALTER TABLE loads ADD COLUMN IF NOT EXISTS for_upper_level boolean NOT NULL DEFAULT false;
"""
