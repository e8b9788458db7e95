"""The README's Python example runs as written, so it cannot go stale."""

from __future__ import annotations

import os
import re

from tests.conftest import ROOT


def test_readme_python_example_runs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README should show how to use sim from Python"
    cwd = os.getcwd()
    os.chdir(ROOT)  # the example uses paths relative to the repository
    try:
        for block in blocks:
            namespace: dict = {}
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
    assert namespace["results"].reps == 1000
    assert namespace["one"].outcome.final_cash == namespace["one"].monthly["cash_close"].iloc[-1]
