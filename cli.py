"""Run perfxl from a checkout without installing it: ``python cli.py generate …``.

The command-line interface itself lives in :mod:`perfxl.cli`; installed, it is the ``perfxl``
command and ``python -m perfxl``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perfxl.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
