"""Only the catalogue step of the build: .po -> .mo before the package files are collected, so every
installed gongkai (wheel, sdist, editable) has compiled catalogues. The rest is in pyproject.toml."""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_with_catalogues(build_py):  # noqa: N801 - setuptools' command naming
    def run(self) -> None:
        sys.path.insert(0, str(Path(__file__).parent / "src"))
        from gongkai.catalogues import compile_all

        compile_all()
        super().run()


setup(cmdclass={"build_py": build_py_with_catalogues})
