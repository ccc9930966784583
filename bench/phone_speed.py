"""How heavy and how fast the phone is on a slow connection.

    .venv/bin/python bench/phone_speed.py [--url URL] [--runs 5] [--down-kbps 1600] [--rtt-ms 150]

Opens the join link in Debian's Chromium (a 360×740 touch phone, a fresh profile each run),
with Chromium's network emulation at ~1.6 Mbit/s down and 150 ms round trip, types a name,
and waits until the drives screen is live (connected, first prompt shown). Prints the phone
page's first-load weight (bytes on the wire, compressed, everything included: HTML, CSS, JS,
the socket.io client, icons) and the time from opening the join link to the drives screen.
Without --url it starts ``app.py`` on a free port. Loopback only; bounded runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import app_server
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def wait_ready(url: str) -> None:
    for _ in range(100):
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def one_run(browser, url: str, code: str, n: int, args) -> dict:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": args.rtt_ms,
            "downloadThroughput": args.down_kbps * 1000 / 8,
            "uploadThroughput": args.up_kbps * 1000 / 8,
        },
    )
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))

    started = time.perf_counter()
    page.goto(f"{url}/j/{code}")
    page.get_by_test_id("join-name").fill(f"Phone {n}")
    join_sent = len(sizes)
    page.get_by_test_id("join-name-submit").click()
    page.wait_for_selector('[data-testid="connection"][data-status="connected"]', state="attached", timeout=30_000)
    page.get_by_test_id("prompt").wait_for(timeout=30_000)
    ready = time.perf_counter() - started
    page.wait_for_timeout(300)  # let the last loads report their sizes
    pages = [rid for rid in sizes if not live_channel(urls.get(rid, ""))]
    phone_requests = pages[join_sent:]
    cold = cold_phone_load(browser, context.storage_state(), page.url)
    context.close()
    return {
        "ready_s": ready,
        "phone_bytes": sum(sizes[r] for r in phone_requests),
        "requests": len(phone_requests),
        "all_bytes": sum(sizes[r] for r in pages),
        "all_requests": len(pages),
        **cold,
    }


def live_channel(url: str) -> bool:
    """The live channel's own requests (/socket.io/?EIO=...), not the vendored client script,
    which is part of the page's load (/static/vendor/socket.io/...)."""
    return urlparse(url).path.startswith("/socket.io/")


def cold_phone_load(browser, storage_state, phone_url: str) -> dict:
    """The phone page alone with an empty cache (a returning phone whose browser forgot it all)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, storage_state=storage_state
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(phone_url)
    page.wait_for_selector('[data-testid="connection"][data-status="connected"]', state="attached", timeout=30_000)
    page.wait_for_timeout(300)
    loads = [rid for rid in sizes if not live_channel(urls.get(rid, ""))]
    context.close()
    return {"cold_bytes": sum(sizes[r] for r in loads), "cold_requests": len(loads)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--down-kbps", type=float, default=1600)
    parser.add_argument("--up-kbps", type=float, default=750)
    parser.add_argument("--rtt-ms", type=float, default=150)
    args = parser.parse_args()
    with app_server(args.url) as url:
        args.url = url
        wait_ready(args.url)
        code = requests.post(
            args.url + "/api/workshops",
            json={
                "title": "Speed",
                "language": "en",
                "goals": [{"text": f"Goal {i}", "kind": "goal"} for i in range(15)],
            },
        ).json()["code"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            runs = [one_run(browser, args.url, code, n, args) for n in range(args.runs)]
            browser.close()
    weights = [r["phone_bytes"] for r in runs]
    times = [r["ready_s"] for r in runs]
    print(
        f"network: {args.down_kbps:.0f} kbit/s down, {args.up_kbps:.0f} kbit/s up, {args.rtt_ms:.0f} ms RTT; {args.runs} runs"
    )
    print(
        f"join link to drives screen, everything loaded: median {statistics.median(r['all_bytes'] for r in runs) / 1024:.1f} KB "
        f"on the wire ({runs[0]['all_requests']} requests; the live socket not counted)"
    )
    print(
        f"  of which the phone page after the join form: median {statistics.median(weights) / 1024:.1f} KB "
        f"({runs[0]['requests']} requests; the stylesheet came with the join page)"
    )
    print(
        f"the phone page alone, empty cache, everything included: median "
        f"{statistics.median(r['cold_bytes'] for r in runs) / 1024:.1f} KB on the wire ({runs[0]['cold_requests']} requests)"
    )
    print(f"join link -> drives screen live: median {statistics.median(times):.2f} s, max {max(times):.2f} s")


if __name__ == "__main__":
    main()
