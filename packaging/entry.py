"""Entry point of the bundled executables: the same command line as ``integration-hub``.

On Windows the bundle has two executables built from this file:
``integration-hub.exe`` (console, for the command line and the service) and
``integration-hub-gui.exe`` (windowed, for the Start menu, so no console
window opens behind the client). A windowed executable has no standard
streams (``sys.stdout`` is None), so they are pointed at ``os.devnull``;
everything worth keeping already goes to the log file.
"""

import multiprocessing
import os
import sys

from app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.exit(main())
