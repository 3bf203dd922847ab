"""The domain stays pure: its modules import only a whitelist of side-effect-free modules and do no I/O."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

import atelier.domain

DOMAIN = "atelier.domain"

# Pure standard-library modules the rules may use. Anything else (asyncio, os, io, pathlib, time,
# random, secrets, logging, socket, sqlite3, threading, subprocess, pydantic, sqlalchemy, fastapi …)
# is refused: a clock, an id or a file reaches the domain through its arguments, never an import.
ALLOWED = frozenset(
    {
        "__future__",
        "abc",
        "collections",
        "collections.abc",
        "copy",
        "dataclasses",
        "enum",
        "functools",
        "itertools",
        "math",
        "operator",
        "re",
        "string",
        "types",
        "typing",
    }
)

# Builtins that reach outside the process or execute code built at run time.
FORBIDDEN_CALLS = frozenset(
    {"open", "input", "print", "exec", "eval", "compile", "__import__", "breakpoint", "globals", "vars"}
)


def domain_modules() -> list[ModuleType]:
    """Every module of the domain package, the package itself included, imported."""
    modules: list[ModuleType] = [atelier.domain]
    for info in pkgutil.walk_packages(atelier.domain.__path__, DOMAIN + "."):
        modules.append(importlib.import_module(info.name))
    return modules


def _resolve(node: ast.ImportFrom, package: str) -> str:
    """The absolute module name of `from ... import` as seen from `package`."""
    if node.level == 0:
        return node.module or ""
    parts = package.split(".")
    if node.level > len(parts):
        return "<outside the top-level package>"
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def _allowed(module: str) -> bool:
    return module in ALLOWED or module == DOMAIN or module.startswith(DOMAIN + ".")


def impurities(source: str, package: str = DOMAIN) -> list[str]:
    """Every import outside the whitelist and every forbidden call or attribute in `source`."""
    problems: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            problems += [f"import {alias.name}" for alias in node.names if not _allowed(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(node, package)
            if not _allowed(module):
                problems.append(f"from {module} import …")
            elif module == "importlib" or any(alias.name == "import_module" for alias in node.names):
                problems.append("dynamic import")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            problems.append(f"{node.func.id}() call")
        elif isinstance(node, ast.Attribute) and node.attr == "__import__":
            problems.append("__import__ attribute")
    return problems


def test_the_walk_finds_every_domain_module() -> None:
    # A walk that found nothing would make the purity check pass vacuously.
    names = {module.__name__ for module in domain_modules()}
    files = {p.stem for p in Path(atelier.domain.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert names == {DOMAIN} | {f"{DOMAIN}.{stem}" for stem in files}
    assert {f"{DOMAIN}.decide", f"{DOMAIN}.apply", f"{DOMAIN}.views"} <= names


@pytest.mark.parametrize("module", domain_modules(), ids=lambda m: m.__name__)
def test_domain_module_is_pure(module: ModuleType) -> None:
    source = inspect.getsource(module)
    package = module.__name__ if hasattr(module, "__path__") else module.__name__.rpartition(".")[0]
    assert impurities(source, package) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("import asyncio", "import asyncio"),
        ("import os.path", "import os.path"),
        ("import time, dataclasses", "import time"),
        ("from pathlib import Path", "from pathlib import …"),
        ("from pydantic import BaseModel", "from pydantic import …"),
        ("from sqlmodel import SQLModel", "from sqlmodel import …"),
        ("import random", "import random"),
        ("from secrets import token_hex", "from secrets import …"),
        ("import logging", "import logging"),
        ("from .. import protocol", "from atelier import …"),
        ("from ..store import db", "from atelier.store import …"),
        ("from atelier import settings", "from atelier import …"),
        ("from ... import x", "from <outside the top-level package> import …"),
        ("def f():\n    import socket\n", "import socket"),
        ("data = open('board.json').read()", "open() call"),
        ("print('hello')", "print() call"),
        ("mod = __import__('os')", "__import__() call"),
        ("import builtins as b\nb.__import__('os')", "import builtins"),
        ("from collections.abc import Callable\nfrom importlib import import_module", "from importlib import …"),
    ],
)
def test_checker_catches_impurity(source: str, problem: str) -> None:
    # The checker is itself tested, so that a broken checker cannot let an impure domain through.
    assert problem in impurities(source, DOMAIN)


def test_checker_accepts_what_the_domain_may_use() -> None:
    source = textwrap.dedent(
        """
        from __future__ import annotations
        import dataclasses
        from collections.abc import Callable
        from enum import StrEnum
        from typing import Any
        from . import timer as timers
        from .model import BoardState
        from atelier.domain.events import Event
        """
    )
    assert impurities(source, DOMAIN) == []


def test_importing_the_domain_loads_no_framework() -> None:
    """Checks the same rule at run time, transitively: an allowed module could still pull a framework in."""
    framework = [
        "asyncio", "socket", "sqlite3", "sqlalchemy", "sqlmodel", "fastapi", "starlette", "pydantic",
        "redis", "httpx", "orjson", "logging", "subprocess", "secrets", "uvicorn", "websockets",
    ]  # fmt: skip
    script = textwrap.dedent(
        f"""
        import importlib, json, pkgutil, sys
        before = set(sys.modules)
        import atelier.domain
        for info in pkgutil.walk_packages(atelier.domain.__path__, "atelier.domain."):
            importlib.import_module(info.name)
        loaded = set(sys.modules) - before
        print(json.dumps(sorted(m for m in loaded if m.split(".")[0] in {framework!r})))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []
