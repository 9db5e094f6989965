"""`python -m bench.load`: see bench/load/__init__.py, or `--help`."""

import sys

from bench.load.run import main

sys.exit(main())
