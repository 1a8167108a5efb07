"""Suite-wide set-up.

Every kernel started during the tests (nbval runs each notebook in one)
loads tests/offline_ipython/profile_default/startup/, which blocks network
access: the notebooks are thereby executed offline.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_IPYTHONDIR = ROOT / "tests" / "offline_ipython"

os.environ["IPYTHONDIR"] = str(OFFLINE_IPYTHONDIR)
