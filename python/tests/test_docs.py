"""docs/python.md is run: its python blocks in order, in one session, from the repository root;
what each prints must equal the text block that follows it."""
import contextlib
import io
import os
import re

from conftest import SOURCE


def blocks():
    text = (SOURCE / "docs" / "python.md").read_text()
    found = re.findall(r"```(python|text)\n(.*?)```", text, flags=re.S)
    pairs = []
    for i, (kind, body) in enumerate(found):
        if kind != "python":
            continue
        expected = found[i + 1][1] if i + 1 < len(found) and found[i + 1][0] == "text" else None
        pairs.append((body, expected))
    return pairs


def test_python_md_runs_and_prints_what_it_shows():
    pairs = blocks()
    assert len(pairs) >= 8
    namespace = {}
    previous = os.getcwd()
    os.chdir(SOURCE)
    try:
        for number, (code, expected) in enumerate(pairs, start=1):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"docs/python.md block {number}", "exec"), namespace)
            if expected is not None:
                assert out.getvalue() == expected, f"block {number} printed:\n{out.getvalue()}"
    finally:
        os.chdir(previous)
