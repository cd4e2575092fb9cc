"""Talk to a running hub as a person would: log in, get a token, start a server, run code."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


class HubSession:
    """A browser-like session (cookies + xsrf) for one user."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.http = requests.Session()

    def login(self, username: str, password: str) -> bool:
        """Post the log-in form; True if the hub accepted it (a session cookie, no form again)."""
        self.http.get(f"{self.base}/hub/login", timeout=10)
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")
        r = self.http.post(
            f"{self.base}/hub/login?next=",
            data={"username": username, "password": password, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=30,
        )
        return r.status_code == 302 and "/hub/login" not in r.headers.get("Location", "")

    def api(self, method: str, path: str, **kw) -> requests.Response:
        headers = kw.pop("headers", {})
        xsrf = self.http.cookies.get("_xsrf", path="/hub/")
        if xsrf:
            headers["X-XSRFToken"] = xsrf
        return self.http.request(method, f"{self.base}/hub/api{path}", headers=headers, timeout=30, **kw)

    def new_token(self, username: str) -> str:
        r = self.api("POST", f"/users/{username}/tokens", json={"note": "test", "expires_in": 3600})
        r.raise_for_status()
        return r.json()["token"]


class TokenClient:
    """API calls with a token, as a script or another system would make them."""

    def __init__(self, base_url: str, token: str):
        self.base = base_url
        self.token = token
        self.headers = {"Authorization": f"token {token}"}

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return requests.get(f"{self.base}{path}", headers=self.headers, **kw)

    def post(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return requests.post(f"{self.base}{path}", headers=self.headers, **kw)

    def put(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return requests.put(f"{self.base}{path}", headers=self.headers, **kw)

    def delete(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return requests.delete(f"{self.base}{path}", headers=self.headers, **kw)

    def start_server(self, username: str, timeout: float = 120) -> None:
        r = self.post(f"/hub/api/users/{username}/server")
        assert r.status_code in (201, 202, 400), r.text  # 400: already running
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.get(f"/hub/api/users/{username}").json()
            server = model.get("servers", {}).get("", {})
            if server.get("ready"):
                return
            if not server.get("pending") and not server:
                raise AssertionError(f"server of {username} stopped while starting")
            time.sleep(1)
        raise AssertionError(f"server of {username} not ready after {timeout} s")

    def stop_server(self, username: str) -> None:
        self.delete(f"/hub/api/users/{username}/server")

    def execute(self, username: str, code: str, timeout: float = 60) -> dict:
        """Run ``code`` in a new kernel of the user's server; return result/stream/error."""
        r = self.post(f"/user/{username}/api/kernels", json={"name": "python3"})
        assert r.status_code == 201, r.text
        kernel_id = r.json()["id"]
        try:
            return asyncio.run(self._execute_ws(username, kernel_id, code, timeout))
        finally:
            self.delete(f"/user/{username}/api/kernels/{kernel_id}")

    async def _execute_ws(self, username: str, kernel_id: str, code: str, timeout: float) -> dict:
        ws_url = self.base.replace("http", "ws", 1) + f"/user/{username}/api/kernels/{kernel_id}/channels"
        conn = await websocket_connect(HTTPRequest(ws_url, headers=self.headers))
        msg_id = uuid.uuid4().hex
        request = {
            "header": {"msg_id": msg_id, "username": username, "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": False,
                        "user_expressions": {}, "allow_stdin": False},
        }
        await conn.write_message(json.dumps(request))
        out = {"result": None, "stdout": "", "error": None}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(conn.read_message(), timeout)
            if raw is None:
                break
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "execute_result":
                out["result"] = content["data"].get("text/plain")
            elif kind == "stream":
                out["stdout"] += content["text"]
            elif kind == "error":
                out["error"] = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                break
        conn.close()
        return out


def logged_in(base_url: str, account) -> TokenClient:
    """A token client for ``account`` (tests/support/hub.Account), logged in through the
    hub's own log-in form."""
    session = HubSession(base_url)
    assert session.login(account.username, account.password), f"log-in of {account} failed"
    return TokenClient(base_url, session.new_token(account.username))
