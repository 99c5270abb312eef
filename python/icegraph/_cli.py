"""The `icegraph` console script: replaces itself with the bundled binary, so signals and exit codes are its own."""
from __future__ import annotations

import os
import sys

from ._api import binary_path


def main() -> None:
    binary = str(binary_path())
    os.execv(binary, [binary, *sys.argv[1:]])


if __name__ == "__main__":
    main()
