"""Root pytest configuration: the environment every test, and every process a test starts,
runs in. Set once for the session (not by whichever test happens to run first), so each
test file passes alone and in any order.

- PATH starts with this interpreter's ``bin``: nbgrader's ``Gradebook`` runs ``alembic``
  from PATH when it creates a gradebook, and subprocesses find this environment's tools.
- ``$ASN_SETTINGS`` names a throw-away settings file (data, public, exchange and course
  directories under a temporary folder): a test that loads the default settings never
  reads or migrates the databases of a platform running from this checkout (``var/``),
  nor writes where its learners' servers read. Tests that need their own settings pass
  them explicitly or set the variable themselves.
- Lesson notebooks executed by nbval must not report progress anywhere real. Their kernels
  inherit this environment, so the outbox goes to a throw-away directory and the service
  address and token are removed.

Tiers (see the README's Tests section): tests/unit (pure, in-process), tests/component
(subprocesses, kernels, local servers), tests/integration and tests/browser (a real hub),
and the notebooks under courses/ and tests/fixtures (nbval). The repository root is on
sys.path (``pythonpath`` in pyproject.toml), so tests import ``benchmarks`` and
``tests.support`` as packages.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

_SAVED = ("PATH", "BELAJAR_OUTBOX", "KOMPETENSI_URL", "JUPYTERHUB_API_TOKEN", "ASN_SETTINGS")
_before: dict[str, str | None] = {}


def pytest_configure(config):
    _before.update({name: os.environ.get(name) for name in _SAVED})
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = os.pathsep.join([bin_dir, *filter(None, [os.environ.get("PATH")])])
    os.environ["BELAJAR_OUTBOX"] = os.path.join(tempfile.mkdtemp(prefix="belajar-nbval-"), "outbox.jsonl")
    os.environ["ASN_SETTINGS"] = _throwaway_settings()
    os.environ.pop("KOMPETENSI_URL", None)
    os.environ.pop("JUPYTERHUB_API_TOKEN", None)


def _throwaway_settings() -> str:
    root = Path(tempfile.mkdtemp(prefix="asn-tests-"))
    settings = {
        "data_dir": str(root / "var"),
        "public_dir": str(root / "publik"),
        "assessments": {"exchange_dir": str(root / "exchange"),
                        "courses_root": str(root / "kursus")},
    }
    path = root / "settings.yaml"
    path.write_text(json.dumps(settings))  # JSON is YAML
    return str(path)


def pytest_unconfigure(config):
    for name, value in _before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def monkeypatch_module():
    """``monkeypatch`` for a module-scoped fixture (an in-process service shared by a test
    file's tests); undone when the module's tests are done."""
    with pytest.MonkeyPatch.context() as patch:
        yield patch
