"""Issue 10 §7: the platform's ports cannot be squatted.

Before the fix, ``asn-ambon start`` started the hub even when another process (a
learner's leftover server, as the learner's Unix user) already listened on one of the
platform's internal ports: the hub then sent the competency service's traffic, tokens
included, to that process. Now start refuses, names the port, and writes nothing.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
import yaml

from asncore.settings import resolve
from asnhub.ports import platform_ports
from tests.support.hub import REPO, cleanup_root, make_settings, new_root

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="squats as another Unix user: root")

SQUAT = ("import socket, sys, time; s = socket.socket(); "
         "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); print('ok', flush=True); "
         "time.sleep(120)")


def test_every_internal_port_is_checked(tmp_path):
    settings = resolve(make_settings(tmp_path))
    listed = {port for _, _, port in platform_ports(settings)}
    hub, cfg = settings["hub"], settings["assessments"]
    assert {hub["port"], hub["hub_port"], hub["proxy_api_port"], settings["service"]["port"],
            cfg["grading_port"], cfg["first_port"]} <= listed


@pytest.fixture
def root():
    root = new_root("ports")  # world-searchable, as a real platform folder must be
    os.chmod(root, 0o755)
    (root / "home").mkdir()
    yield root
    cleanup_root(root)


def test_start_refuses_a_squatted_service_port(root):
    settings = make_settings(root, {"hub": {"dev_mode": True}})  # no graders needed here
    port = settings["service"]["port"]
    settings_file = root / "settings.yaml"
    settings_file.write_text(yaml.safe_dump(settings))
    squatter = subprocess.Popen(["runuser", "-u", "nobody", "--", sys.executable, "-c", SQUAT,
                                 str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert squatter.stdout.readline().strip() == "ok"
        log = root / "start.log"
        with open(log, "w") as out:
            start = subprocess.Popen([sys.executable, "-m", "asnhub", "--settings",
                                      str(settings_file), "start"], cwd=REPO, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            start.wait(timeout=90)
        except subprocess.TimeoutExpired:  # the hub started: the attack worked
            hub = psutil.Process(start.pid)
            for process in [hub, *hub.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    process.kill()
            pytest.fail(f"the platform started although port {port} was taken")
        said = log.read_text()
        assert start.returncode == 2, said
        assert f"{port} (layanan kompetensi)" in said
        assert not Path(settings["data_dir"]).exists(), "start wrote state before refusing"
    finally:
        squatter.kill()
        squatter.wait()
