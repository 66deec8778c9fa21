"""Build the Lambda deployment bundle: ``make lambda-bundle``.

Stages ``build/lambda/`` (the handler's packages, plus ``requirements-lambda.txt`` installed as
linux arm64 wheels for the Lambda Python runtime) and zips it to ``build/lambda-bundle.zip``. The
SAM template's ``CodeUri`` points at ``build/lambda/``. Prints the zip's and the unpacked size.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("soulmate_core", "soulmate_adapters", "soulmate_api")
PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")  # Lambda's Amazon Linux 2023: glibc 2.34
PYTHON_VERSION = "3.11"  # the tests' version too: .python-version, template.yaml, Makefile


def build(out_dir: Path) -> Path:
    stage = out_dir / "lambda"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
         "--target", str(stage), *(f"--platform={p}" for p in PLATFORMS), "--python-version", PYTHON_VERSION,
         "--implementation", "cp", "--only-binary=:all:", "--upgrade",
         "-r", str(REPO / "requirements-lambda.txt")],
        check=True,
    )  # fmt: skip
    for package in PACKAGES:
        shutil.copytree(
            REPO / package, stage / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    for waste in [*stage.rglob("__pycache__"), *(stage / "numpy").rglob("tests")]:
        shutil.rmtree(waste, ignore_errors=True)
    bundle = out_dir / "lambda-bundle.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(stage))
    return bundle


def unpacked_size(bundle: Path) -> int:
    with zipfile.ZipFile(bundle) as archive:
        return sum(info.file_size for info in archive.infolist())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "build", help="output folder (default build/)")
    args = parser.parse_args()
    bundle = build(args.out)
    mb = 1024 * 1024
    print(
        f"{bundle}: {bundle.stat().st_size / mb:.1f} MB zipped, {unpacked_size(bundle) / mb:.1f} MB unpacked"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
