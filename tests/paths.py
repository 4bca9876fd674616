"""Where the tests find the checkout, their data and the installed `clush`."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
CONFORMANCE = DATA / "conformance"  # crm inputs with the CIB crm 4.4 makes, and cibcmp.py
IPVSADM_OUTPUTS = DATA / "ipvsadm-outputs"  # ipvsadm 1.31 output captured on a real IPVS kernel
BENCH = REPO / "bench"
CLUSH = os.path.join(REPO, ".venv", "bin", "clush")
