"""Chains of `supersedes` links, the one rule for their shape.

A correction supersedes the report it corrects, a review the review it follows. Records written
on one machine form chains; records written apart meet after a git merge and can form any shape:
two records replacing one (competing), two chains side by side, or, in hand-merged files, a loop
(a supersedes b, b supersedes a). Each link is given as record id -> the id it supersedes (None:
none); a link to a record not given leads nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping


def loops(links: Mapping[str, str | None]) -> list[list[str]]:
    """Each loop of links (a supersedes b ... supersedes a), its ids sorted; the loops sorted.
    A record whose chain runs into a loop without being on it is not part of the loop."""
    done: set[str] = set()
    found = []
    for start in sorted(links):
        path: list[str] = []
        on_path: set[str] = set()
        step: str | None = start
        while step is not None and step in links and step not in done and step not in on_path:
            path.append(step)
            on_path.add(step)
            step = links[step]
        if step in on_path:
            found.append(sorted(path[path.index(step) :]))
        done.update(path)
    return sorted(found)


def heads(links: Mapping[str, str | None]) -> list[str]:
    """The records that no other record given supersedes, sorted: the latest word of each chain."""
    superseded = {target for target in links.values() if target is not None}
    return sorted(i for i in links if i not in superseded)


def roots(links: Mapping[str, str | None]) -> list[str]:
    """The records that supersede none of those given, sorted: the first of each chain."""
    return sorted(i for i, target in links.items() if target not in links)


def apart(links: Mapping[str, str | None]) -> list[str]:
    """The heads, when the records do not form one chain (more than one head, or more than one
    root: records written apart that no link orders); else none. Records on a loop are left to
    `loops`."""
    looped = {i for loop in loops(links) for i in loop}
    rest = {i: (target if target not in looped else None) for i, target in links.items() if i not in looped}
    latest = heads(rest)
    return latest if len(latest) > 1 or len(roots(rest)) > 1 else []
