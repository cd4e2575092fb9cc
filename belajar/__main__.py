"""``python -m belajar check ...``: the same as ``asn-ambon modul periksa ...``."""

import sys

from asncore.commands import main_for

from .commands import add_check_command

main = main_for("python -m belajar", "Alat bantu modul pembelajaran", add_check_command)

if __name__ == "__main__":
    sys.exit(main())
