"""The frozen program's entry point (PyInstaller needs a script, not a module).

A file of its own rather than ``rasoat/__main__.py``: PyInstaller puts the script's folder on
the analysis path, and ``rasoat/`` there would make ``paths`` or ``settings`` look like
top-level modules.
"""

import sys

from rasoat.cli import main

if __name__ == "__main__":
    sys.exit(main())
