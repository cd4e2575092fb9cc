"""The platform's own ports must be free when it starts.

The hub, its proxy's API, the competency service, the grading service and the course
formgraders listen on fixed ports. A process that got there first (a learner's leftover
server, another hub) would receive what was meant for the platform, tokens included. So
``asn-ambon start`` refuses to start while any of them is taken and says which one.
(Learners' processes also end with their servers, so none survives to wait for a
restart.)
"""

from __future__ import annotations

import socket

from asncore.commands import CannotRun

from .assessments import course_ids


def platform_ports(settings: dict) -> list[tuple[str, str, int]]:
    """(what, host, port) of every port the platform will listen on."""
    hub, service, cfg = settings["hub"], settings["service"], settings["assessments"]
    ports = [
        ("hub (halaman web)", hub["ip"], hub["port"]),
        ("API hub", "127.0.0.1", hub["hub_port"]),
        ("API proxy", "127.0.0.1", hub["proxy_api_port"]),
        (f"layanan {service['name']}", "127.0.0.1", service["port"]),
    ]
    courses = course_ids(cfg["dir"])
    if not hub["dev_mode"] and courses:
        ports.append(("layanan penilaian", "127.0.0.1", cfg["grading_port"]))
        ports += [(f"formgrader {course}", "127.0.0.1", cfg["first_port"] + k)
                  for k, course in enumerate(courses)]
    return ports


def is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def check_ports_free(settings: dict) -> None:
    """Raise CannotRun naming every platform port another process already holds."""
    taken = [f"{port} ({what})" for what, host, port in platform_ports(settings)
             if not is_free(host, port)]
    if taken:
        raise CannotRun(
            "port platform sudah dipakai proses lain (ports already in use): "
            + ", ".join(taken)
            + ". Hentikan proses itu (`ss -ltnp` menunjukkan pemiliknya) atau ubah port di "
            "settings.yaml; platform tidak dimulai.")
