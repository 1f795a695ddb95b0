"""Maintain the message catalogues: `python scripts/i18n.py extract|compile|check` (see gongkai.catalogues)."""

from __future__ import annotations

import sys

from gongkai import catalogues


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        for lang, todo in catalogues.update().items():
            print(f"{catalogues.po_path(lang)}: {len(todo)} to translate")
            for text in todo:
                print(f"  {text}")
        return 0
    if command == "compile":
        for path in catalogues.compile_all():
            print(f"compiled {path}")
        return 0
    if command == "check":
        found = catalogues.problems()
        for line in found:
            print(line)
        return 1 if found else 0
    print("usage: python scripts/i18n.py extract|compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
