"""Root pytest configuration: lesson notebooks executed by nbval must not report progress
anywhere real. Their kernels inherit this environment, so the outbox goes to a throw-away
directory and the service address and token are removed."""

import os
import tempfile


def pytest_configure(config):
    os.environ["BELAJAR_OUTBOX"] = os.path.join(tempfile.mkdtemp(prefix="belajar-nbval-"), "outbox.jsonl")
    os.environ.pop("KOMPETENSI_URL", None)
    os.environ.pop("JUPYTERHUB_API_TOKEN", None)
