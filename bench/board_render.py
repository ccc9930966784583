"""How fast the projector board takes a change at the size of a department day.

    .venv/bin/python bench/board_render.py [--people 60] [--updates 200] [--url URL] [--as participant]

Starts ``app.py`` on a free port (or uses --url), fills a workshop the way a room does — 15
goals, ``--people`` phones with 3 drives each, 120 links made by the drives' own people — and
opens the board in Debian's Chromium at 1920×1080 with the facilitator's cookie (or, with
``--as participant``, the first person's own board on a 1366×768 laptop, with their cookie). Then the phones
send ``--updates`` changes one at a time, alternating a new drive and a new link, and the page
measures each from the moment its WebSocket message arrives to the next frame painted after it
(requestAnimationFrame, then a message posted from it, which runs once that frame is done). Prints
the median, p95 and max over the updates, per kind, and the board's first render (navigation
to the first painted frame with every card and the curves in place).

Chromium runs with its frame-rate limit and vsync off, so a frame is drawn as soon as there is
work: the figures are the board's own work (script, style, layout, paint), not the wait for
the display's next refresh (up to 16.7 ms at 60 Hz, on top, on a real screen).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import app_server, percentile
from phone_speed import CHROMIUM_ARGS, wait_ready
from playwright.sync_api import sync_playwright

GOALS = [f"Goal number {i + 1}: something the business wants" for i in range(15)]
DRIVES = [
    "Helping a customer who is stuck",
    "Making complex things simple",
    "Learning something new every week",
    "Building tools people actually use",
    "Seeing a newcomer grow",
    "A calm, tidy process",
    "Numbers that tell a story",
    "Working outdoors now and then",
]

# Runs in the board page before its own scripts: every socket.io event frame is timed from its
# arrival to the end of the next frame painted after the page handled it.
PROBE = """
(() => {
  window.__frames = [];
  window.__sockets = 0;
  // The first frame painted with the whole board in place: every card and the first curves.
  const watch = () => {
    if (document.querySelectorAll("[data-testid=card]").length >= CARDS && document.querySelector(".link")) {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { window.__firstPainted = performance.now(); };
      channel.port2.postMessage(0);
    } else {
      requestAnimationFrame(watch);
    }
  };
  requestAnimationFrame(watch);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets += 1;
      this.addEventListener("message", (event) => {
        const data = typeof event.data === "string" ? event.data : "";
        if (!data.startsWith("42")) return;
        const name = (data.match(/^42\\["([a-z_]+)"/) || [])[1] || "?";
        const t0 = performance.now();
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => window.__frames.push({ name, ms: performance.now() - t0, at: t0 });
          channel.port2.postMessage(0);
        });
      });
    }
  };
})();
"""


class Phone:
    def __init__(self, url: str, code: str, name: str):
        person = requests.post(f"{url}/api/workshops/{code}/participants", json={"name": name}).json()
        self.id = person["participant_id"]
        self.token = person["participant_token"]
        self.sio = socketio.Client(reconnection=False)
        self.sio.connect(
            url,
            auth={"code": code, "role": "participant", "view": "phone", "token": person["participant_token"]},
            transports=["websocket"],
            wait_timeout=30,
        )

    def call(self, event: str, payload: dict) -> dict:
        ack = self.sio.call(event, payload, timeout=30)
        if not ack.get("ok"):
            raise RuntimeError(f"{event}: {ack}")
        return ack


def fill(url: str, people: int) -> tuple[dict, list[Phone], list[tuple[Phone, str]], list[str]]:
    created = requests.post(
        url + "/api/workshops",
        json={"title": "Department day", "language": "en", "goals": [{"kind": "goal", "text": g} for g in GOALS]},
    ).json()
    code, token = created["code"], created["facilitator_token"]
    fac = socketio.Client(reconnection=False)
    fac.connect(
        url,
        auth={"code": code, "role": "facilitator", "view": "console", "token": token},
        transports=["websocket"],
        wait_timeout=30,
    )
    fac.call("set_phase", {"phase": "drives"}, timeout=30)
    phones = [Phone(url, code, f"Person {i + 1}") for i in range(people)]
    cards = []
    for i, phone in enumerate(phones):
        for j in range(3):
            ack = phone.call(
                "add_card", {"kind": "drive", "text": DRIVES[(i * 3 + j) % len(DRIVES)], "visibility": "named"}
            )
            cards.append((phone, ack["card"]["id"]))
    fac.call("set_phase", {"phase": "linking"}, timeout=30)
    snapshot = requests.get(f"{url}/api/workshops/{code}", headers={"Authorization": f"Bearer {token}"}).json()
    goals = [g["id"] for g in snapshot["goals"]]
    linked = set()
    for n in range(120):
        phone, card = cards[(n * 7) % len(cards)]
        goal = goals[(n * 5 + n // 15) % len(goals)]
        phone.call("add_link", {"card_id": card, "goal_id": goal})
        linked.add((card, goal))
    fac.disconnect()
    return created, phones, cards, goals, linked


def signin(url: str, created: dict) -> str:
    r = requests.post(
        f"{url}/api/workshops/{created['code']}/signin-link",
        headers={"Authorization": f"Bearer {created['facilitator_token']}"},
    )
    return r.json()["url"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--as", dest="role", choices=["facilitator", "participant"], default="facilitator")
    parser.add_argument("--trace", action="store_true", help="print where the renderer spent its time (trace events)")
    parser.add_argument(
        "--profile", action="store_true", help="print where the page spent its time (self time per function)"
    )
    args = parser.parse_args()
    with app_server(args.url) as url:
        args.url = url
        wait_ready(args.url)
        created, phones, cards, goals, linked = fill(args.url, args.people)
        print(
            f"{args.people} people × 3 drives, {len(goals)} goals, 120 links; {args.updates} updates;"
            f" the {args.role}'s board",
            flush=True,
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[*CHROMIUM_ARGS, "--disable-frame-rate-limit", "--disable-gpu-vsync"],
            )
            personal = args.role == "participant"
            size = {"width": 1366, "height": 768} if personal else {"width": 1920, "height": 1080}
            context = browser.new_context(viewport=size)
            context.add_init_script(PROBE.replace("CARDS", str(args.people * 3)))
            page = context.new_page()
            if personal:
                cookie = {"name": f"wp_{created['code']}", "value": phones[0].token, "url": args.url}
                context.add_cookies([cookie])
            else:
                page.goto(signin(args.url, created))
            page.goto(f"{args.url}/w/{created['code']}/board")
            page.wait_for_function("() => window.__firstPainted", timeout=60_000)
            first = page.evaluate("() => window.__firstPainted")
            # Updates are timed once the live channel runs on its WebSocket (it starts on long-polling).
            page.wait_for_function("() => window.__sockets > 0", timeout=30_000)
            page.wait_for_timeout(1000)
            by_kind: dict[str, list[float]] = {"card": [], "link": []}
            cdp = context.new_cdp_session(page)
            if args.trace:
                events: list[dict] = []
                cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
                done = []
                cdp.on("Tracing.tracingComplete", lambda e: done.append(1))
                cdp.send("Tracing.start", {"categories": "devtools.timeline,blink", "transferMode": "ReportEvents"})
            if args.profile:
                cdp.send("Profiler.enable")
                cdp.send("Profiler.setSamplingInterval", {"interval": 100})
                cdp.send("Profiler.start")
            for n in range(args.updates):
                before = page.evaluate("() => window.__frames.length")
                phone, card = cards[(n * 13) % len(cards)]
                if n % 2 == 0:
                    phone.call("add_card", {"kind": "drive", "text": f"A new drive, number {n}", "visibility": "named"})
                    kind, wanted = "card", "card_saved"
                else:
                    # A pair not linked yet (linking a pair again changes nothing, so sends nothing).
                    mine = [c for ph, c in cards if ph is phone]
                    card_id, goal_id = next(
                        (c, g)
                        for k in range(len(goals))
                        for c in mine
                        if (c, g := goals[(n * 3 + k) % len(goals)]) not in linked
                    )
                    phone.call("add_link", {"card_id": card_id, "goal_id": goal_id})
                    linked.add((card_id, goal_id))
                    kind, wanted = "link", "link_saved"
                page.wait_for_function(
                    "([n, name]) => window.__frames.slice(n).some((f) => f.name === name)",
                    arg=[before, wanted],
                    timeout=10_000,
                )
                ms = page.evaluate(
                    "([n, name]) => window.__frames.slice(n).find((f) => f.name === name).ms", [before, wanted]
                )
                by_kind[kind].append(ms)
                time.sleep(0.03)
            if args.trace:
                cdp.send("Tracing.end")
                while not done:
                    page.wait_for_timeout(100)
                totals: dict[str, float] = {}
                for e in events:
                    if e.get("ph") == "X" and "dur" in e:
                        totals[e["name"]] = totals.get(e["name"], 0) + e["dur"] / 1000
                for name, ms in sorted(totals.items(), key=lambda kv: -kv[1])[:25]:
                    print(f"  {ms:8.1f} ms  {name}")
            if args.profile:
                profile = cdp.send("Profiler.stop")["profile"]
                self_time: dict[str, float] = {}
                nodes = {n["id"]: n for n in profile["nodes"]}
                for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
                    f = nodes[sample]["callFrame"]
                    key = f"{f['functionName'] or '(anon)'} {f['url'].rsplit('/', 1)[-1]}:{f['lineNumber']}"
                    self_time[key] = self_time.get(key, 0) + delta / 1000
                for key, ms in sorted(self_time.items(), key=lambda kv: -kv[1])[:45]:
                    print(f"  {ms:8.1f} ms  {key}")
                busy = sum(ms for key, ms in self_time.items() if not key.startswith(("(idle)", "(program)")))
                print(f"  script (all but idle and the renderer's own work): {busy / args.updates:.1f} ms per update")
            browser.close()
        for phone in phones:
            phone.sio.disconnect()
    every = by_kind["card"] + by_kind["link"]
    for kind, values in (("new drive", by_kind["card"]), ("new link", by_kind["link"]), ("all updates", every)):
        print(
            f"{kind:12} n={len(values):3}  median {statistics.median(values):5.1f} ms  p95 {percentile(values, 95):5.1f} ms  "
            f"max {max(values):5.1f} ms  (arrival → next painted frame)"
        )
    print(f"first render: navigation → first frame painted with every card and the curves: {first:.0f} ms")


if __name__ == "__main__":
    main()
