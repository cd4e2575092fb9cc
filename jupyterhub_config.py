"""JupyterHub configuration: load the platform settings and apply them. Nothing else.

Settings: settings.yaml next to this file, or the file named by $ASN_SETTINGS;
see asnhub/settings.py for every key and its default.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asnhub import configure, settings  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub)
configure.apply(c, settings.load())
