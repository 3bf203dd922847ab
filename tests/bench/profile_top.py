"""Summarise a py-spy `--format raw` profile (collapsed stacks): the top functions by own time and
by inclusive time, optionally only within Atelier's code.

    python -m tests.bench.profile_top PROFILE.txt [--top 25] [--match atelier/]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_LINE = re.compile(r"^(.*) (\d+)$")
_FRAME_LINE = re.compile(r":\d+\)$")


def frame_name(frame: str) -> str:
    """`send_text (starlette/websockets.py:160)` → `send_text (starlette/websockets.py)`:
    one entry per function, not per line."""
    frame = _FRAME_LINE.sub(")", frame)
    return re.sub(r"\(/.*?/(site-packages|lib/python3\.\d+|backend)/", "(", frame)


def summarise(path: Path, match: str | None = None) -> tuple[int, Counter[str], Counter[str]]:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        found = _LINE.match(line)
        if not found:
            continue
        stack, count = found.group(1), int(found.group(2))
        frames = [frame_name(f) for f in stack.split(";") if f]
        if not frames:
            continue
        total += count
        if match:
            mine = [f for f in frames if match in f]
            if mine:
                own[mine[-1]] += count  # the deepest own frame stands for what it called
        else:
            own[frames[-1]] += count
        for name in set(frames):
            if not match or match in name:
                inclusive[name] += count
    return total, own, inclusive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default=None, help="only frames whose name contains this")
    args = parser.parse_args()
    total, own, inclusive = summarise(args.profile, args.match)
    print(f"{total} samples")
    label = "deepest matching frame" if args.match else "own time (leaf)"
    print(f"\n-- {label}")
    for name, count in own.most_common(args.top):
        print(f"{count / total * 100:6.1f}%  {name}")
    print("\n-- inclusive")
    for name, count in inclusive.most_common(args.top):
        print(f"{count / total * 100:6.1f}%  {name}")


if __name__ == "__main__":
    main()
