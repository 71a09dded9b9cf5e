"""Debian's Chromium driven by Playwright, for looking at what heritage writes (tests, scripts,
benchmarks). No browser is downloaded: `chromium` must be on PATH (`apt-get install chromium`).
The library itself never imports this module."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Without these, Chromium phones home at start-up; on a closed network that is noise in every log.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


class NoChromium(RuntimeError):
    pass


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise NoChromium("Chromium is not installed: apt-get install chromium")
    return path


@dataclass
class PageLog:
    """What a page did: every request, console error, page error and dialog."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def foreign_requests(self, allowed: str) -> list[str]:
        return [url for url in self.requests if url != allowed and not url.startswith("data:")]


@contextmanager
def browser(width: int = 1280, height: int = 800) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            context = instance.new_context(viewport={"width": width, "height": height})
            yield context
        finally:
            instance.close()


def watch(page: Any) -> PageLog:
    """Start recording what `page` does."""
    log = PageLog()
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("console", lambda message: log.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        log.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return log


def wait_until(page: Any, expression: str, timeout_ms: int = 30_000, poll_ms: int = 20) -> None:
    """Poll a JavaScript expression until it is true. Playwright's wait_for_function compiles its
    predicate inside the page, which our Content-Security-Policy (rightly) forbids."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(poll_ms)


def load(page: Any, path: Path, timeout_ms: int = 60_000) -> None:
    """Open a local HTML file and wait until the map says its sites are drawn."""
    page.goto(path.resolve().as_uri())
    wait_until(page, "window.heritageReady === true", timeout_ms)


@contextmanager
def open_page(
    path: Path, width: int = 1280, height: int = 800, timeout_ms: int = 60_000
) -> Iterator[tuple[Any, PageLog]]:
    """Open a local HTML file; yield the page and its log once `window.heritageReady` is set."""
    with browser(width, height) as context:
        page = context.new_page()
        log = watch(page)
        load(page, path, timeout_ms)
        yield page, log
