"""Render the report screenshots of the README from the fixed incident of the golden tests.

    .venv/bin/python -m tests.export.make_screenshots

writes ``screenshots/report.svg`` (English), ``screenshots/report-zh.svg``, and PNGs of
the HTML report's first screen (``screenshots/report-html.png``, ``report-html-zh.png``)
taken with headless Chromium (``apt-get install chromium fonts-noto-cjk``), plus a
print of the HTML to A4 PDF to count its pages. Without Chromium the PNGs are skipped
and the script says so.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def main() -> int:
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    os.environ.setdefault("DUTYDESK_CONFIG", tempfile.mkdtemp())  # no branch plans or settings
    from dutydesk.export import write_report
    from dutydesk.journal import Journal

    from .conftest import NOW, Clock, at, build_fixed

    work = Path(tempfile.mkdtemp(prefix="dutydesk-shots-"))
    clock = Clock(at(10, 0))
    counter = itertools.count(1)

    def token_hex(nbytes: int) -> str:
        return hashlib.sha256(f"dutydesk export test {next(counter)}".encode()).hexdigest()[: 2 * nbytes]

    with mock.patch("dutydesk.journal.api.utcnow", clock), \
            mock.patch("dutydesk.journal.api.secrets.token_hex", token_hex):
        incident_id = build_fixed(work / "journal.db", clock)
    SHOTS.mkdir(exist_ok=True)
    with Journal.open(work / "journal.db", readonly=True) as journal:
        for lang, name in (("en", "report.svg"), ("zh", "report-zh.svg")):
            write_report(journal, incident_id, "svg", SHOTS / name, lang, now=NOW)
            print(f"wrote {SHOTS / name}")
        pages = {lang: write_report(journal, incident_id, "html", work / f"report-{lang}.html", lang, now=NOW)
                 for lang in ("en", "zh")}
    browser = chromium()
    if browser is None:
        print("no chromium found: the PNGs of the HTML report were not made", file=sys.stderr)
        return 1
    for lang, page in pages.items():
        png = SHOTS / ("report-html.png" if lang == "en" else "report-html-zh.png")
        common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
        subprocess.run(common + ["--window-size=900,1300", f"--screenshot={png}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
        print(f"wrote {png}")
        pdf = work / f"report-{lang}.pdf"
        subprocess.run(common + ["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
        count = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
        print(f"printed {page.name} to A4: {count} page(s) ({pdf})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
