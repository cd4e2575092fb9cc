"""The unit tree (OPD and their parts), one implementation for imports, reports and pages.

A tree is given as ``parents``: unit code -> parent code (None for a top unit). Units
whose parent is not in the mapping count as top units. Every function here terminates
on a cyclic mapping (the imports refuse cycles; the reports check them first).
"""

from __future__ import annotations

from collections.abc import Mapping

Parents = Mapping[str, "str | None"]


def cycle_from(code: str, parents: Parents) -> list[str] | None:
    """The circle of units reached by following parents from ``code`` (each unit once,
    in parent order), or None when the chain ends at a top unit."""
    path: list[str] = []
    position: dict[str, int] = {}
    current: str | None = code
    while current is not None and current in parents:
        if current in position:
            return path[position[current]:]
        position[current] = len(path)
        path.append(current)
        current = parents[current]
    return None


def find_cycle(parents: Parents) -> list[str] | None:
    """Some circle of parents in the tree, or None when there is none."""
    finished: set[str] = set()
    for start in parents:
        if start in finished:
            continue
        cycle = cycle_from(start, parents)
        if cycle:
            return cycle
        current: str | None = start
        while current is not None and current in parents and current not in finished:
            finished.add(current)
            current = parents[current]
    return None


def ancestry(code: str, parents: Parents) -> list[str]:
    """``code`` and its ancestors, nearest first (a cycle is cut where it closes)."""
    chain: list[str] = []
    seen: set[str] = set()
    current: str | None = code
    while current is not None and current in parents and current not in seen:
        seen.add(current)
        chain.append(current)
        current = parents[current]
    return chain


def ancestries(parents: Parents) -> dict[str, list[str]]:
    """Every unit -> :func:`ancestry`."""
    return {code: ancestry(code, parents) for code in parents}


def tree_order(parents: Parents, names: Mapping[str, str], root: str | None = None
               ) -> list[tuple[str, int]]:
    """``(code, depth)`` depth first, parents before children, siblings by name then code;
    only the subtree of ``root`` when it is a known unit. Each unit appears once."""
    children: dict[str | None, list[str]] = {}
    for code, parent in parents.items():
        children.setdefault(parent if parent in parents else None, []).append(code)

    def by_name(codes: list[str]) -> list[str]:
        return sorted(codes, key=lambda c: (str(names.get(c, "")), c))

    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    stack = [(top, 0) for top in reversed([root] if root in parents else by_name(children.get(None, [])))]
    while stack:
        code, depth = stack.pop()
        if code in seen:
            continue
        seen.add(code)
        out.append((code, depth))
        stack += [(child, depth + 1) for child in reversed(by_name(children.get(code, [])))]
    return out
