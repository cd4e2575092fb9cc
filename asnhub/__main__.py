"""``python -m asnhub ...``: the same as ``asn-ambon start|init|check-settings|roster``."""

import sys

from asncore.commands import main_for

from .commands import add_commands

main = main_for("python -m asnhub", "Platform kompetensi ASN Kota Ambon", add_commands)

if __name__ == "__main__":
    sys.exit(main())
