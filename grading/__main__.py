"""``python -m grading ...``: the same as ``asn-ambon grading ...``."""

import sys

from asncore.commands import main_for

from .cli import add_grading_commands

main = main_for("python -m grading", "Penilaian nbgrader (nbgrader grading)", add_grading_commands)

if __name__ == "__main__":
    sys.exit(main())
