"""JupyterHub configuration: load the platform settings and apply them. Nothing else.

Settings: settings.yaml next to this file, or the file named by $ASN_SETTINGS; every key
and its default is in asncore/settings.py. This file marks the platform folder
($ASN_ROOT): relative paths in the settings are resolved against it. The platform is
installed into the environment JupyterHub runs in (`make`), so nothing here touches the
import path.
"""

import os
from pathlib import Path

os.environ.setdefault("ASN_ROOT", str(Path(__file__).resolve().parent))

from asncore import settings  # noqa: E402
from asnhub import configure  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub)
configure.apply(c, settings.load())
