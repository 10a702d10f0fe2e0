"""Every ```python block of the project README runs (from the repository root, as a reader would)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from helpers import REPO

BLOCKS = re.findall(r"^```python\n(.*?)^```", (REPO / "README.md").read_text(encoding="utf-8"), re.S | re.M)


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    assert Path(os.getcwd()) == REPO


PACKAGE_README = (REPO / "bindings" / "python" / "README.md").read_text(encoding="utf-8")
PACKAGE_BLOCKS = re.findall(r"^```python\n(.*?)^```", PACKAGE_README, re.S | re.M)


def test_the_package_readme_renders_alone() -> None:
    # It is the PyPI page (pyproject's `readme`): no links into the repository.
    assert PACKAGE_BLOCKS
    assert "](../" not in PACKAGE_README and "](./" not in PACKAGE_README


@pytest.mark.parametrize("code", PACKAGE_BLOCKS, ids=[f"block{i}" for i in range(len(PACKAGE_BLOCKS))])
def test_package_readme_block_runs(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(code, "bindings/python/README.md", "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out.splitlines()
    # The values the README's comments promise.
    assert out[:3] == ["9251440300046840 29414 1250830908", "1030.00", "2020-01-15 21:10:00"]
