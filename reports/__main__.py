"""``python -m reports ...``: the same as ``asn-ambon reports ...`` (plus HR's imports,
``unit``/``jp``/``kamus``, as before)."""

import sys

from asncore.commands import main_for
from asncore.imports.cli import add_commands as add_import_commands

from .cli import add_report_commands

main = main_for("python -m reports", "Laporan kompetensi ASN untuk SDM",
                add_report_commands, add_import_commands)

if __name__ == "__main__":
    sys.exit(main())
