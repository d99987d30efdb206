"""The frozen program's entry point (PyInstaller needs a script, not a module).

A file of its own rather than ``rasoat/__main__.py``: PyInstaller puts the script's folder on
the analysis path, and ``rasoat/`` there would make ``paths`` or ``settings`` look like
top-level modules.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    # A frozen program starts a multiprocessing child (spawn: the merge's package reader,
    # db/exchange/merge_ahead.py) and its resource tracker by running this executable again
    # with "--multiprocessing-fork" or "-c ...": freeze_support() runs the child's work and
    # exits. Without it the child was another `rasoat`, refusing those arguments, and the
    # merge refused the package it was reading (tests/packaging/test_bundle_merge.py).
    # First, before the CLI is imported: a child needs none of it.
    multiprocessing.freeze_support()
    from rasoat.cli import main

    sys.exit(main())
