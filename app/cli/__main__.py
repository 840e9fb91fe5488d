"""``python -m app.cli``: the same command line as ``integration-hub``."""

import sys

from app.cli import main

sys.exit(main())
