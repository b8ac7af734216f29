"""``python -m pytest_mmtrust.apidoc [--check] [PATH]``: see :mod:`pytest_mmtrust.apidoc`."""

from __future__ import annotations

import sys

from . import main

sys.exit(main())
