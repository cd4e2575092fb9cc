"""``asn-ambon``: every operator task of the platform, one command.

Each package registers its own subcommands; this module only puts them together (it is
the top layer: nothing imports it). Exit codes follow :mod:`asncore.commands`.

    asn-ambon start | init | check-settings          the hub (asnhub)
    asn-ambon roster import FILE                     people and accounts (asnhub)
    asn-ambon unit|jp|kamus|libur ...                HR's data (asncore.imports)
    asn-ambon modul periksa FOLDER                   module checker (belajar)
    asn-ambon grading SUBCOMMAND ...                 nbgrader courses (grading)
    asn-ambon reports build ...                      HR's report files (reports)
    asn-ambon ikm [hitung|import] FILE               public satisfaction survey (reports)
    asn-ambon pengaduan import|ringkasan ...         SP4N-LAPOR! complaints (reports)
    asn-ambon demo isi [--tahun Y] [--seed N]        a demo year for the demo roster
                                                     (services.kompetensi: it credits JP
                                                     as the service does)
"""

from __future__ import annotations

import sys

from asncore.commands import main_for
from asncore.imports import cli as imports_cli
from asnhub import commands as hub_commands
from belajar import commands as module_commands
from grading import cli as grading_cli
from reports import cli as reports_cli
from services.kompetensi import democommand

main = main_for(
    "asn-ambon",
    "Platform Kompetensi ASN Kota Ambon: perintah operator (operator commands)",
    hub_commands.add_commands,
    imports_cli.add_commands,
    module_commands.add_commands,
    grading_cli.add_commands,
    reports_cli.add_commands,
    democommand.add_commands,
)

if __name__ == "__main__":
    sys.exit(main())
