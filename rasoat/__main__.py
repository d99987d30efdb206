import sys

from rasoat.cli import main

sys.exit(main())
