"""Load and validate the plan library: the bundled plans and a generated 1,000.

Goals (issue 2): bundled < 50 ms, 1,000 plans < 1 s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median, table, timed  # noqa: E402

from dutydesk import paths  # noqa: E402
from dutydesk.plans import load_library  # noqa: E402


def generate(folder: Path, count: int) -> None:
    """``count`` real-sized plans: copies of the bundled ones under new ids."""
    bundled = sorted(p for p in paths.bundled_plans_dir().glob("*.yaml") if p.stem not in ("contacts", "roles", "levels"))
    for i in range(count):
        source = bundled[i % len(bundled)]
        text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}\n", f"id: gen-{i:04d}\n", 1)
        (folder / f"gen-{i:04d}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    bundled_dir = paths.bundled_plans_dir()
    library = load_library([bundled_dir])
    assert not library.problems, library.problems
    bundled = timed(lambda: load_library([bundled_dir]), repeat=15)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, 1000)
        big = load_library([bundled_dir, folder])
        assert len(big.plans) >= 1000 and not big.problems, big.problems[:3]
        thousand = timed(lambda: load_library([bundled_dir, folder]), repeat=5)

    table(
        [
            (f"bundled ({len(library.plans)} plans)", f"{median(bundled):.1f}", f"{min(bundled):.1f}", "< 50"),
            ("bundled + 1,000 generated", f"{median(thousand):.1f}", f"{min(thousand):.1f}", "< 1000"),
        ],
        ("load + validate", "median ms", "best ms", "goal ms"),
    )


if __name__ == "__main__":
    main()
