"""Entry point of the bundled executable: the same command line as ``integration-hub``."""

import multiprocessing
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
