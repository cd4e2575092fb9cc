"""The platform's one operator command, ``asn-ambon`` (see :mod:`asn_ambon.cli`)."""
