"""`cmake --install build --component python` gives an importable package outside the build."""
import os
import pathlib
import subprocess
import sys


def test_installed_package_imports_and_runs(tmp_path):
    build = os.environ.get("NKSIM_BUILD_DIR")
    assert build, "run through ctest (it sets NKSIM_BUILD_DIR)"
    subprocess.run(["cmake", "--install", build, "--component", "python", "--prefix",
                    str(tmp_path)], check=True, capture_output=True)
    installed = sorted(tmp_path.rglob("nksim/__init__.py"))
    assert len(installed) == 1 and sorted(installed[0].parent.glob("_nksim*.so"))
    site = installed[0].parent.parent
    code = ("import nksim; print(nksim.__file__); "
            "print(nksim.Scenario.from_dict({'simulation': {'engine': 'well_mixed', "
            "'model': 'kuznetsov1994', 'end_time_days': 10}}).run().outcome)")
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env=env, cwd=tmp_path).stdout.split("\n")
    assert pathlib.Path(out[0]).parent == installed[0].parent
    assert out[1] == "neither"
