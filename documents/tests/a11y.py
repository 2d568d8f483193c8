"""Accessibility checks for the browser tests: axe-core (the npm package, pinned in
package-lock.json and installed by `make test`) injected into a page.

axe is added as an inline script, which the site's Content-Security-Policy refuses; pages to be
checked are opened in a browser context made with `bypass_csp=True` (see `axe_context`). The
pages' own scripts are tested under the real policy elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices (landmarks, one h1, headings in order…).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


def require_axe() -> Path:
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE}); run `npm ci` or `make test`."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


# What axe cannot decide and leaves for review. Colour contrast of SVG text and of table cells
# scrolled out of view is undecidable for it; the colours are fixed in site.css (≥ 4.5:1).
UNDECIDABLE = {"color-contrast"}


def axe_violations(page, impacts=BLOCKING) -> list[str]:
    """axe's violations of the given impacts on the page as it is now, one line each, with
    the results it could not decide (such as a reference to a missing id), colour aside."""
    page.add_script_tag(path=str(require_axe()))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations', 'incomplete']})",
        AXE_TAGS,
    )
    undecided = [r for r in results["incomplete"] if r["id"] not in UNDECIDABLE]
    return [
        f"{r['impact']} {r['id']}: {r['help']} — "
        + "; ".join(str(node["target"][0]) for node in r["nodes"][:5])
        for r in results["violations"] + undecided
        if r["impact"] in impacts
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
