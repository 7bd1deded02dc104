#!/usr/bin/env python3
"""Renders a borderflow report.html in the system Chromium and checks what a reader sees.

Called by scripts/browser-check.sh:
    python3 scripts/browser_check.py REPORT_HTML SCREENSHOT_DIR

At each width (1400 px and 420 px) it checks:
  - overflow (420 px only): nothing sticks out past the viewport unless it sits inside a
    scrolling container (computed overflow-x auto or scroll), and the page itself does not
    scroll sideways;
  - charts: every <figure> holds an inline <svg> that renders with non-zero size, every
    <img> decoded (naturalWidth > 0), and every relative link to a .svg/.png/.json/.csv
    names a file that exists next to report.html;
  - console: no console error and no uncaught page error;
  - text size: chart text (font-size scaled by how much the SVG is shrunk or grown) and
    page text are at least 11 px.
It saves full-page screenshots at both widths and prints one line per problem.
Exit codes: 0 passed, 1 failed, 77 skipped (Chromium could not be started).
"""

import os
import sys
import tempfile
import urllib.parse
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = (1400, 420)
NARROW = 420
MIN_PX = 11.0
SHOW = 5  # offending elements printed per problem; the rest are counted


def say(msg):
    print(f"browser-check: {msg}", flush=True)


# --- JavaScript run in the page. Each returns plain data; the judging is done in Python.

# Opens every <details>: the number tables hide in them, and a reader who opens one must
# still get a page that fits and text that is readable.
JS_OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => d.open = true)"

# Lazy images are not fetched until scrolled to; make them load now, then wait for all.
JS_LOAD_IMAGES = """async () => {
  const imgs = [...document.images];
  imgs.forEach(i => i.loading = 'eager');
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
}"""

# Shared helper: a short description of an element for the report.
JS_DESCRIBE = """
  const describe = (el) => {
    const r = el.getBoundingClientRect();
    const text = (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
    return {tag: el.tagName.toLowerCase(), cls: el.getAttribute('class') || '',
            id: el.id || '', text, right: Math.round(r.right * 10) / 10};
  };
"""

# Elements whose right edge passes the viewport, outside any scrolling container. Only the
# outermost of them are returned: a too-wide table would otherwise list every cell.
JS_OVERFLOW = "() => {" + JS_DESCRIBE + """
  const vw = window.innerWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
      if (scrolls(a)) return true;
    return false;
  };
  const out = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not rendered
    if (r.right > vw + 1 && !inScroller(el)) out.add(el);
  }
  const outermost = [...out].filter(el => {
    for (let a = el.parentElement; a; a = a.parentElement) if (out.has(a)) return false;
    return true;
  });
  return {viewport: vw, scrollWidth: document.documentElement.scrollWidth,
          count: out.size, elements: outermost.map(describe)};
}"""

# Per figure: whether it has a rendered inline SVG, and its smallest text as seen on screen.
# getScreenCTM() maps the SVG's user units to CSS pixels; for a plotters SVG (width, height
# and viewBox attributes, CSS width:100%) its scale is exactly rendered width / viewBox
# width. Unlike that ratio it is also right for an SVG without a viewBox (not scaled at
# all) and for text under a transform.
JS_FIGURES = """() => [...document.querySelectorAll('figure')].map((fig, i) => {
  const svg = fig.querySelector('svg');
  const name = fig.id || ('figure ' + (i + 1));
  if (!svg) return {name, svg: false};
  const r = svg.getBoundingClientRect();
  const vb = svg.getAttribute('viewBox');
  let min = null;
  for (const t of svg.querySelectorAll('text')) {
    if (!(t.textContent || '').trim()) continue;
    const m = t.getScreenCTM();
    const scale = m ? Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) : 1;
    const css = parseFloat(getComputedStyle(t).fontSize);
    const px = css * scale;
    if (min === null || px < min.px)
      min = {px, css, scale, text: t.textContent.trim().slice(0, 40)};
  }
  return {name, svg: true, width: r.width, height: r.height, viewBox: vb,
          widthAttr: svg.getAttribute('width'), min};
})"""

# Images that did not decode.
JS_IMAGES = """() => [...document.images]
  .filter(i => !(i.naturalWidth > 0))
  .map(i => i.getAttribute('src') || '(no src)')"""

# Every href attribute as written (relative ones are checked against the disk in Python).
JS_HREFS = "() => [...document.querySelectorAll('[href]')].map(e => e.getAttribute('href'))"

# Visible elements outside SVG that hold text themselves and whose font is under the minimum.
JS_SMALL_TEXT = "(min) => {" + JS_DESCRIBE + """
  const small = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg')) continue;  // chart text is judged per figure, with its scale
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.checkVisibility()) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < min) small.push({...describe(el), px});
  }
  return small;
}"""


def fmt_el(e):
    """tag.class#id "text…" (right edge)"""
    name = e["tag"] + "".join("." + c for c in e["cls"].split()) + (f"#{e['id']}" if e["id"] else "")
    return f'{name} "{e["text"]}" right edge {e["right"]} px'


class Check:
    """Collects problems; each is printed as it is found."""

    def __init__(self, report: Path):
        self.report = report
        self.problems = 0

    def fail(self, msg, details=()):
        self.problems += 1
        say(f"FAIL: {msg}")
        details = list(details)
        for d in details[:SHOW]:
            say(f"    {d}")
        if len(details) > SHOW:
            say(f"    … and {len(details) - SHOW} more")

    # -- the checks, one page (one width) at a time

    def overflow(self, page, width):
        o = page.evaluate(JS_OVERFLOW)
        if o["elements"]:
            self.fail(f"{width} px: {len(o['elements'])} element(s) stick out past the "
                      f"{o['viewport']} px viewport outside a scrolling container "
                      f"({o['count']} counting their contents)",
                      map(fmt_el, o["elements"]))
        if o["scrollWidth"] > o["viewport"] + 1:
            self.fail(f"{width} px: the page scrolls sideways "
                      f"(scrollWidth {o['scrollWidth']} px > viewport {o['viewport']} px)")
        if not o["elements"] and o["scrollWidth"] <= o["viewport"] + 1:
            say(f"ok: {width} px: nothing overflows outside scrolling containers")

    def figures(self, page, width):
        figs = page.evaluate(JS_FIGURES)
        for f in figs:
            if not f["svg"]:
                self.fail(f"{width} px: figure {f['name']} has no inline <svg>")
            elif not (f["width"] > 0 and f["height"] > 0):
                self.fail(f"{width} px: figure {f['name']}: its <svg> renders "
                          f"{f['width']:.0f}×{f['height']:.0f} px")
            elif f["min"] is None:
                say(f"ok: {width} px: figure {f['name']}: {f['width']:.0f}×{f['height']:.0f} px, no text")
            else:
                m = f["min"]
                line = (f"{width} px: figure {f['name']}: smallest chart text {m['px']:.1f} px "
                        f"({m['css']:g} px × scale {m['scale']:.3f}; svg {f['width']:.0f} px wide, "
                        f"viewBox {f['viewBox'] or 'none'}, width attribute {f['widthAttr'] or 'none'}) "
                        f"\"{m['text']}\"")
                if m["px"] < MIN_PX:
                    self.fail(line + f" < {MIN_PX:g} px")
                else:
                    say("ok: " + line)
        if not figs:
            say(f"note: {width} px: the page has no <figure>")

    def images(self, page, width):
        for src in page.evaluate(JS_IMAGES):
            self.fail(f"{width} px: image did not load: {src}")

    def small_text(self, page, width):
        small = page.evaluate(JS_SMALL_TEXT, MIN_PX)
        if small:
            least = min(s["px"] for s in small)
            self.fail(f"{width} px: {len(small)} element(s) outside charts have text under "
                      f"{MIN_PX:g} px (smallest {least:g} px)",
                      (f"{s['px']:g} px: {fmt_el(s)}" for s in small))
        else:
            say(f"ok: {width} px: all page text outside charts is at least {MIN_PX:g} px")

    # -- once per page: links are the same at every width

    def toggles(self, page, width):
        """Each variant check box hides its variant's marks in the gate charts and shows them
        again (CSS only: the page has no script)."""
        boxes = page.eval_on_selector_all("input.toggle", "els => els.map(e => e.id)")
        if not boxes:
            return
        count = """id => {
            const colour = document.querySelector(`label[for="${id}"] span`).style.color;
            const probe = document.createElement('span');
            probe.style.color = colour; document.body.appendChild(probe);
            const rgb = getComputedStyle(probe).color; probe.remove();
            let n = 0;
            for (const el of document.querySelectorAll('figure.gate svg *')) {
                const cs = getComputedStyle(el);
                if (cs.visibility === 'visible' && (cs.stroke === rgb || cs.fill === rgb)) n++;
            }
            return n;
        }"""
        for box in boxes:
            before = page.evaluate(count, box)
            page.click(f"label[for='{box}']")
            after = page.evaluate(count, box)
            page.click(f"label[for='{box}']")
            again = page.evaluate(count, box)
            if before == 0 or after != 0 or again != before:
                self.fail(f"{width} px: the check box {box} does not hide and show its variant "
                          f"({before} marks shown, {after} after unticking, {again} after ticking)")
            else:
                say(f"ok: {width} px: {box} hides {before} marks and shows them again")

    def links(self, page):
        base = self.report.parent
        checked = missing = 0
        for href in page.evaluate(JS_HREFS):
            url = urllib.parse.urlsplit(href)
            if url.scheme or url.netloc or href.startswith("/"):
                continue  # absolute: not a file of the run folder
            path = urllib.parse.unquote(url.path)
            if not path.lower().endswith((".svg", ".png", ".json", ".csv")):
                continue
            checked += 1
            if not os.path.isfile(base / path):
                missing += 1
                self.fail(f"link to a missing file: {href} (no {base / path})")
        if not missing:
            say(f"ok: all {checked} relative link(s) to .svg/.png/.json/.csv files exist")


def render(ctx, check, url, width, shots):
    """Opens the report at one width, runs the checks, saves a full-page screenshot."""
    page = ctx.new_page()
    messages = []
    page.on("console", lambda m: m.type == "error" and messages.append(
        f"console error: {m.text} (at {m.location.get('url') or '?'})"))
    page.on("pageerror", lambda e: messages.append(f"page error: {e}"))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url, wait_until="load", timeout=60_000)
    page.evaluate(JS_OPEN_DETAILS)
    page.evaluate(JS_LOAD_IMAGES)
    page.wait_for_timeout(200)  # let late console messages arrive

    if width == NARROW:
        check.overflow(page, width)
    check.figures(page, width)
    check.images(page, width)
    check.small_text(page, width)
    if width == WIDTHS[0]:
        check.links(page)
        check.toggles(page, width)
    for m in messages:
        check.fail(f"{width} px: {m}")

    shot = shots / f"report-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    say(f"screenshot {width} px: {shot}")
    page.close()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: browser_check.py REPORT_HTML SCREENSHOT_DIR")
    report = Path(sys.argv[1]).resolve()
    shots = Path(sys.argv[2]).resolve()
    if not report.is_file():
        say(f"FAILED: no report at {report}")
        sys.exit(1)
    shots.mkdir(parents=True, exist_ok=True)
    check = Check(report)
    say(f"checking {report}")

    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="browser-check-profile.") as profile:
        try:  # a fresh profile each run: no cache, no state from earlier runs
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=ARGS, headless=True)
        except PlaywrightError as e:
            say(f"SKIPPED: Chromium ({CHROMIUM}) did not start: {str(e).splitlines()[0]}")
            sys.exit(77)
        try:
            for width in WIDTHS:
                render(ctx, check, report.as_uri(), width, shots)
        finally:
            ctx.close()

    if check.problems:
        say(f"FAILED ({check.problems} problem{'s' if check.problems != 1 else ''})")
        sys.exit(1)
    say("PASSED")


if __name__ == "__main__":
    main()
