"""Lessons as apps: the Voilà template learners' servers render lessons with.

The template (``jupyter/voila/templates/asn-pelajaran/``, package data) extends Voilà's
``lab`` template: Indonesian loading text and error message, the lesson's title, a top
bar back to Beranda and to the same notebook in JupyterLab, no code. Voilà finds
templates under ``<dir>/voila/templates/<name>`` of every ``JUPYTER_PATH`` entry; the hub
puts :func:`jupyter_data_dir` there (``asnhub.publish.public_environment``) and names
the template in ``VoilaConfiguration.template`` (``asnhub.learnerconfig.voila_config``).
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

TEMPLATE = "asn-pelajaran"
DISTRIBUTION = "asn-ambon"
_DATA = "jupyter"


def jupyter_data_dir() -> Path:
    """The template's Jupyter data directory in the *installed* project, which learners'
    servers run (the hub may import a checkout learners cannot read); this package's own
    directory when the project is not installed."""
    try:
        installed = Path(metadata.distribution(DISTRIBUTION).locate_file(f"belajar/{_DATA}"))
    except metadata.PackageNotFoundError:
        installed = None
    if installed is not None and (installed / "voila/templates" / TEMPLATE).is_dir():
        return installed
    return Path(__file__).resolve().parent / _DATA
