"""A simulated tablet for the benches: a small async HTTP client that keeps its cookies, and the
few steps every bench takes with it (enrol, choose a language)."""

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from harness import HOST

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUESTION_KEY = re.compile(r'name="question" value="([^"]+)"')
OPTION = re.compile(r'name="value" id="opt-[^"]+" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    location: str
    text: str


@dataclass
class Browser:
    """One simulated tablet: its cookies, and requests over fresh connections (sync workers
    close each connection, as they do behind nginx)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    async def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Connection: close"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
            ]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = await reader.read()
        writer.close()
        head, _, content = data.partition(b"\r\n\r\n")
        header_lines = head.decode("latin-1").split("\r\n")
        status = int(header_lines[0].split()[1])
        location = ""
        for line in header_lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "location":
                location = value.strip()
            elif name.lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "expires=thu, 01 jan 1970" in value.lower() or not cookie_value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie_value
        return Reply(status, location, content.decode("utf-8", "replace"))

    async def get(self, path: str) -> Reply:
        return await self.request("GET", path)

    async def post(self, path: str, form: dict) -> Reply:
        return await self.request("POST", path, form)


async def enrol(browser: Browser, code: str) -> None:
    page = await browser.get("/kiosk/tilmeld")
    reply = await browser.post(
        "/kiosk/tilmeld", {"code": code, "label": "bench", "csrf_token": csrf(page.text)}
    )
    assert reply.status == 302, (reply.status, reply.text[:300])


async def choose_language(browser: Browser) -> str:
    """Start a new person on the tablet; returns the CSRF token of the session."""
    page = await browser.get("/kiosk/sprog")
    token = csrf(page.text)
    reply = await browser.post("/kiosk/sprog", {"lang": "da", "csrf_token": token})
    assert reply.status == 302 and reply.location.endswith("/svar/intro"), reply.status
    return token


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match, html[:500]
    return match.group(1)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
