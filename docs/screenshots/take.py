"""The README's screenshots, taken from a running `make demo` (its users and passwords are
read from the data directory).

    .venv/bin/python docs/screenshots/take.py [--url http://127.0.0.1:8000] [--data var]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--data", default="var")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    arguments = parser.parse_args()
    passwords = json.loads((Path(arguments.data) / "demo-credentials.json").read_text())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=arguments.chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="en-GB")

        def sign_in(user: str) -> None:
            page.goto(f"{arguments.url}/login/")
            page.get_by_label("Username").fill(user)
            page.get_by_label("Password").fill(passwords[user])
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/dashboard/")

        sign_in("supervisor")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(HERE / "dashboard.png"), full_page=True)
        page.get_by_role("button", name="Sign out").click()
        sign_in("officer")
        page.goto(f"{arguments.url}/worklist/?sort=risk")
        page.locator("table a").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(HERE / "declaration.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
