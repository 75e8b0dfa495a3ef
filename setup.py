"""Builds the extension nksim._nksim with the project's CMake build (pyproject.toml has the rest).

The module is the CMake target nksim_python; this only configures a release build without tests
or benchmarks, builds that one target and puts the shared object where the wheel expects it.
"""
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = ROOT / "build-wheel"  # kept between builds (incremental), ignored by git
        configure = ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                     "-DNKSIM_BUILD_TESTS=OFF", "-DNKSIM_BUILD_BENCHMARKS=OFF",
                     "-DNKSIM_BUILD_PYTHON=ON", f"-DPython_EXECUTABLE={sys.executable}"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "nksim_python"], check=True)
        built = sorted((build / "python" / "nksim").glob("_nksim*.so"))
        if not built:
            raise RuntimeError(f"the CMake build left no _nksim*.so in {build}/python/nksim")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)


setup(ext_modules=[Extension("nksim._nksim", sources=[])], cmdclass={"build_ext": CMakeBuild})
