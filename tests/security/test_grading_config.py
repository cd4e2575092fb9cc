"""Root never executes Python a trainer can edit (issue 10 point 4, review H3).

The course's nbgrader_config.py and the ../nbgrader_common.py it loads belong to the
course's grader account, which trainers drive through the formgrader. The root penilaian
service runs `python -m grading autograde|sync` on the course: that must read the files as
data, never run them, and still grade with the settings they hold.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import uuid

from benchmarks import ag_course as C
from tests.component.conftest import base_dir, course, course_template, sandbox_user  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _grader_owned(path, user):
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def test_root_grading_does_not_run_trainer_config(course, sandbox_user):
    marker = f"/tmp/asn-root-{uuid.uuid4().hex}"
    common = os.path.join(os.path.dirname(course), "nbgrader_common.py")
    with open(common, "w") as f:
        f.write(f"c = get_config()\nopen({marker + '-common'!r}, 'w').write('root')\n"
                "c.ClearSolutions.code_stub = {'python': ''}\n")
    config = os.path.join(course, "nbgrader_config.py")
    with open(config, "a") as f:
        f.write(f"\nload_subconfig('../nbgrader_common.py')\n"
                f"import os\nos.system('id > {marker}')\n")
    # the grader (a non-root account; the test's sandbox account plays it) owns both
    _grader_owned(config, sandbox_user)
    _grader_owned(common, sandbox_user)
    C.submit(course, "p0", answers=C.RIGHT)
    try:
        r = subprocess.run([sys.executable, "-m", "grading", "autograde", "ps1", "--course-dir",
                            course, "--sandbox-user", sandbox_user],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
        ran = [p for p in (marker, marker + "-common") if os.path.exists(p)]
        assert not ran, f"root executed the trainer's config: {ran}"
        # read as data: the course id still came from the file, and grading still works
        assert r.returncode == 0, r.stdout + r.stderr
        assert "diabaikan" in r.stderr
        assert C.scores(course)[("p0", "problem1")] == (3.0, 10.0)
    finally:
        for p in (marker, marker + "-common"):
            if os.path.exists(p):
                os.remove(p)
