"""Signed checkpoints inside the catalogue: proof that no covered record was deleted or rewritten.

A checkpoint is three files in `checkpoints/`, each written once and never rewritten:

    <time>-<hash16>.checkpoint      what the signer vouches for (see `Checkpoint.text`)
    <time>-<hash16>.checkpoint.sig  `ssh-keygen -Y sign -n heritage` over the .checkpoint's bytes
    <time>-<hash16>.files           the files it adds, as `sha256sum` lists them: `<sha256>  <path>`

`<hash16>` is the first 16 hex digits of the SHA-256 of the .checkpoint file, which names its
previous checkpoints by their full SHA-256. The files a checkpoint covers are those in its own
list and in the lists of every checkpoint before it, so each list holds only what is new and the
chain as a whole lists every file once; the root hash (`heritage.hashing.root_hash`) over them is
signed too. Two copies of a catalogue that each checkpoint name the same previous one (a fork);
a later checkpoint names both (a join). No two checkpoints share a name unless they are the same
bytes, so copies merge in git without conflict.

`verify_checkpoints` checks every checkpoint's signature against allowed_signers, its name, its
list, each link of the chain and each root, then that every covered file is still there with the
bytes it had, and warns of records dated before the latest checkpoint that it does not cover.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from heritage import layout, signing
from heritage.atomic import create_file
from heritage.codec import hash_target, loads
from heritage.errors import InvalidInput, Problem, SpecialFile, special_message
from heritage.hashing import root_hash
from heritage.journal import alone
from heritage.store import Catalogue, read_whole

FORMAT = "heritage checkpoint 1"
_SHA = r"[0-9a-f]{64}"
_TIME = "%Y-%m-%dT%H:%M:%SZ"
_LINES = re.compile(
    rf"{FORMAT}\n"
    r"time (?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\n"
    r"signer (?P<signer>\S+)\n"
    r"files (?P<files>0|[1-9]\d{0,11})\n"
    rf"root (?P<root>{_SHA})\n"
    rf"list (?P<list>{_SHA})\n"
    rf"(?P<previous>(?:previous {_SHA}\n)*)"
)
_LIST_LINE = re.compile(rf"({_SHA})  ([^\n\\]+)")
KEPT = (layout.ALLOWED_SIGNERS, "README.md", ".gitkeep")  # what else checkpoints/ may hold


@dataclass(frozen=True)
class Checkpoint:
    time: datetime  # the signer's claim, UTC to the second
    signer: str  # the allowed_signers principal whose key signed it
    files: int  # how many files it covers
    root: str  # the root hash over them
    listed: str  # the SHA-256 of its .files list
    previous: tuple[str, ...] = ()  # the SHA-256 of each checkpoint it follows, sorted

    def text(self) -> str:
        """The file's exact text: the fixed lines in this order, one `previous` line for each."""
        lines = [
            FORMAT,
            f"time {self.time.astimezone(UTC).strftime(_TIME)}",
            f"signer {self.signer}",
            f"files {self.files}",
            f"root {self.root}",
            f"list {self.listed}",
            *(f"previous {digest}" for digest in sorted(self.previous)),
        ]
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, data: bytes) -> Checkpoint:
        """Read a checkpoint's bytes; ValueError says what is wrong. Only the exact text that
        `text` writes is accepted: there is one way to write a checkpoint, so one hash."""
        match = _LINES.fullmatch(data.decode("ascii"))
        if match is None or not signing.PRINCIPAL.fullmatch(match["signer"]):
            raise ValueError(
                f"is not a checkpoint (format: {FORMAT!r}, then time, signer, files, root, list, previous)"
            )
        previous = tuple(line.split(" ")[1] for line in match["previous"].splitlines())
        if list(previous) != sorted(set(previous)):
            raise ValueError("its previous checkpoints are not sorted, or one is named twice")
        time = datetime.strptime(match["time"], _TIME).replace(tzinfo=UTC)
        return cls(time, match["signer"], int(match["files"]), match["root"], match["list"], previous)

    def stem(self, digest: str) -> str:
        """Its files' name without suffix: time, then the start of its own hash."""
        return f"{self.time.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}-{digest[:16]}"


def list_text(files: dict[str, str]) -> str:
    """A .files list: `<sha256>  <path>` lines sorted by path, what `sha256sum` prints and checks."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(files.items()))


def parse_list(data: bytes) -> dict[str, str]:
    files: dict[str, str] = {}
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        match = _LIST_LINE.fullmatch(line)
        if match is None or match[2] in files:
            raise ValueError(f"line {number} is not '<sha256>  <path>', or names a file twice")
        files[match[2]] = match[1]
    return files


@dataclass
class Found:
    """One checkpoint as `read_checkpoints` found it."""

    stem: str
    digest: str = ""
    checkpoint: Checkpoint | None = None
    listed: dict[str, str] | None = None
    covered: dict[str, str] | None = None  # every file it covers, if its whole chain could be read
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.checkpoint is not None and not any(p.severity == "error" for p in self.problems)


@dataclass
class CheckpointReport:
    checkpoints: list[Found] = field(default_factory=list)  # in name (time) order
    problems: list[Problem] = field(default_factory=list)  # of the folder and of the covered files
    heads: list[str] = field(default_factory=list)  # stems of the checkpoints no other follows
    covered: dict[str, str] = field(default_factory=dict)  # every file any checkpoint listed

    @property
    def all_problems(self) -> list[Problem]:
        return [*(p for found in self.checkpoints for p in found.problems), *self.problems]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.all_problems)

    @property
    def latest(self) -> Checkpoint | None:
        times = [f.checkpoint for f in self.checkpoints if f.checkpoint is not None and f.ok]
        return max(times, key=lambda c: c.time, default=None)


def _folder_problems(root: Path, stems: set[str]) -> list[Problem]:
    """Everything in checkpoints/ that is not a checkpoint's file, allowed_signers or a README."""
    problems = []
    for entry in layout.checkpoint_entries(root):
        shown = f"{layout.CHECKPOINTS}/{entry.name}"
        what = layout.special(entry.path)
        if what is not None:
            problems.append(Problem("special-file", special_message(what), shown))
        elif entry.name.startswith(layout.TEMP_PREFIX):
            problems.append(
                Problem("leftover-temp", "left by an interrupted write; safe to delete", shown, None, None, "warning")
            )
        elif entry.name in KEPT and entry.regular:
            continue
        elif not entry.regular:
            problems.append(Problem("unexpected", "not a checkpoint's file", shown))
        else:
            stem = next((entry.name.removesuffix(s) for s in _SUFFIXES if entry.name.endswith(s)), None)
            if stem not in stems:
                problems.append(
                    Problem(
                        "unexpected", "belongs to no checkpoint: its checkpoint was deleted, or it is a stray", shown
                    )
                )
    return problems


_SUFFIXES = (layout.SIGNATURE_SUFFIX, layout.CHECKPOINT_SUFFIX, layout.LIST_SUFFIX)


def _read_one(root: Path, path: Path, allowed: Path | None) -> Found:
    found = Found(path.name.removesuffix(layout.CHECKPOINT_SUFFIX))
    shown = f"{layout.CHECKPOINTS}/{path.name}"

    def problem(code: str, message: str, severity: str = "error") -> None:
        found.problems.append(Problem(code, message, shown, None, None, severity))

    try:
        data = read_whole(path)
        found.digest = hashlib.sha256(data).hexdigest()
        checkpoint = Checkpoint.parse(data)
    except SpecialFile as exc:
        problem("special-file", special_message(exc.what))
        return found
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problem("bad-checkpoint", f"cannot be read as a checkpoint ({exc})")
        return found
    found.checkpoint = checkpoint
    if checkpoint.stem(found.digest) != found.stem:
        problem(
            "bad-checkpoint",
            f"its content hashes to {found.digest}, so its name should be {checkpoint.stem(found.digest)}: "
            "it was edited or renamed",
        )
    signature = root / layout.CHECKPOINTS / f"{found.stem}{layout.SIGNATURE_SUFFIX}"
    if allowed is None:
        pass  # its signature is not checked (`make_checkpoint` builds on a chain verify has checked)
    elif not layout.regular_file(signature):
        problem("bad-signature", f"has no signature file {signature.name}")
    elif not layout.regular_file(allowed):
        problem("bad-signature", f"cannot be checked: no allowed signers file at {allowed}")
    else:
        reason = signing.check(allowed, checkpoint.signer, signature, data, checkpoint.time)
        if reason is not None:
            problem("bad-signature", f"is not validly signed by {checkpoint.signer}: {reason}")
    listing = root / layout.CHECKPOINTS / f"{found.stem}{layout.LIST_SUFFIX}"
    try:
        listed = read_whole(listing)
    except (OSError, SpecialFile):
        problem("bad-checkpoint", f"its list of files {listing.name} is missing or cannot be read")
        return found
    if hashlib.sha256(listed).hexdigest() != checkpoint.listed:
        problem("bad-checkpoint", f"its list of files {listing.name} was changed since it was signed")
        return found
    try:
        found.listed = parse_list(listed)
    except (UnicodeDecodeError, ValueError) as exc:
        problem("bad-checkpoint", f"its list of files {listing.name} cannot be read ({exc})")
    return found


def read_checkpoints(root: Path, allowed: Path | None) -> CheckpointReport:
    """Every checkpoint, each checked on its own and as a link of the chain; signatures too if
    `allowed` (an allowed_signers file) is given."""
    report = CheckpointReport([_read_one(root, path, allowed) for path in layout.checkpoint_files(root)])
    report.problems += _folder_problems(root, {found.stem for found in report.checkpoints})
    by_digest = {found.digest: found for found in report.checkpoints if found.checkpoint is not None}
    followed: dict[str, int] = {}  # how many checkpoints name each one as previous
    for found in by_digest.values():
        assert found.checkpoint is not None
        for digest in found.checkpoint.previous:
            followed[digest] = followed.get(digest, 0) + 1
    for found in sorted(by_digest.values(), key=_depth_order(by_digest)):
        _link(found, by_digest, followed)
    report.heads = [f.stem for f in report.checkpoints if f.checkpoint is not None and f.digest not in followed]
    for found in report.checkpoints:
        for path, digest in (found.listed or {}).items():
            report.covered.setdefault(path, digest)
    return report


def _depth_order(by_digest: dict[str, Found]) -> Callable[[Found], int]:
    """A sort key that puts every checkpoint after those it follows: its distance from the first."""
    depth: dict[str, int] = {}

    def key(found: Found) -> int:
        stack = [found.digest]
        while stack:  # without recursion: a chain of 10,000 checkpoints is fine
            digest = stack[-1]
            previous = [d for d in by_digest[digest].checkpoint.previous if d in by_digest]  # type: ignore[union-attr]
            waiting = [d for d in previous if d not in depth]
            if waiting:
                stack += waiting
                continue
            depth[digest] = 1 + max((depth[d] for d in previous), default=0)
            stack.pop()
        return depth[found.digest]

    return key


def _link(found: Found, by_digest: dict[str, Found], followed: dict[str, int]) -> None:
    """Check one checkpoint against those it follows, all checked before it: each is there, their
    files and its list add up to its count and root, and it lists nothing they covered."""
    checkpoint = found.checkpoint
    assert checkpoint is not None
    shown = f"{layout.CHECKPOINTS}/{found.stem}{layout.CHECKPOINT_SUFFIX}"

    def problem(code: str, message: str, severity: str = "error") -> None:
        found.problems.append(Problem(code, message, shown, None, None, severity))

    before: list[Found] = []
    for digest in checkpoint.previous:
        if digest not in by_digest:
            problem(
                "broken-chain", f"follows checkpoint {digest}, which is not in {layout.CHECKPOINTS}/: it was deleted"
            )
            continue
        previous = by_digest[digest]
        before.append(previous)
        if previous.covered is None:
            problem("broken-chain", f"follows checkpoint {previous.stem}, whose files cannot be worked out")
        assert previous.checkpoint is not None
        if previous.checkpoint.time > checkpoint.time:
            problem("time-order", f"is dated before the checkpoint it follows, {previous.stem}", "warning")
    if found.listed is None or any(p.code == "broken-chain" for p in found.problems):
        return
    covered: dict[str, str] = {}
    for previous in before:
        followed[previous.digest] -= 1
        assert previous.covered is not None
        if not covered and followed[previous.digest] == 0:
            covered, previous.covered = previous.covered, {}  # its last follower takes it over: no copy
            continue
        for path, digest in previous.covered.items():
            if covered.setdefault(path, digest) != digest:
                problem("broken-chain", f"the checkpoints it follows disagree about {path}")
    again = [path for path in found.listed if path in covered]
    if again:
        problem("bad-checkpoint", f"lists {len(again)} file(s) already covered before it, such as {again[0]}")
    covered.update(found.listed)
    if len(covered) != checkpoint.files:
        problem("bad-checkpoint", f"says it covers {checkpoint.files} file(s), but its chain lists {len(covered)}")
    elif root_hash(covered) != checkpoint.root:
        problem("bad-checkpoint", "its root hash is not that of the files its chain lists")
    found.covered = covered


def verify_checkpoints(catalogue: Catalogue, digests: dict[str, str], allowed: Path | None = None) -> CheckpointReport:
    """Check every checkpoint (see `read_checkpoints`), then the catalogue against them:
    `digests` holds every record and evidence file's SHA-256 now, by its path in the catalogue
    (as `heritage.integrity.verify_catalogue` hashed them). `allowed` replaces the catalogue's own
    allowed_signers (a copy the reader trusts)."""
    root = catalogue.root
    report = read_checkpoints(root, allowed or layout.allowed_signers_file(root))
    if not report.checkpoints:
        return report
    lister = {path: found.stem for found in report.checkpoints for path in (found.listed or {})}
    for path, digest in sorted(report.covered.items()):
        now = digests.get(path)
        if now is None:
            message = f"covered by checkpoint {lister[path]}, but no longer in the catalogue: deleted or moved"
            report.problems.append(Problem("missing", message, path))
        elif now != digest:
            message = f"changed since checkpoint {lister[path]} covered it (its SHA-256 was {digest})"
            report.problems.append(Problem("modified", message, path))
    latest = report.latest
    if latest is not None:
        report.problems += _late_records(catalogue, report.covered, latest)
    return report


def _late_records(catalogue: Catalogue, covered: dict[str, str], latest: Checkpoint) -> list[Problem]:
    """Records no checkpoint covers that say they were put in before the latest checkpoint was
    made: back-dated, or added from a copy that did not checkpoint them. A record brought in from
    elsewhere keeps its old recorded_at, and is judged by when it was migrated."""
    problems = []
    for path in layout.record_files(catalogue.root):
        shown = catalogue.display(path)
        if shown in covered:
            continue
        try:
            document = loads(read_whole(path))
        except (OSError, ValueError, SpecialFile):
            continue  # `verify` reports it already
        if not isinstance(document, dict):
            continue
        holder = hash_target(document)
        migrated = holder.get("migrated")
        claimed = migrated.get("at") if isinstance(migrated, dict) else holder.get("recorded_at")
        try:
            when = datetime.fromisoformat(str(claimed))
        except ValueError:
            continue
        if when.tzinfo is not None and when < latest.time:
            record = holder.get("id") if isinstance(holder.get("id"), str) else None
            message = (
                f"recorded at {claimed}, before the latest checkpoint ({latest.time.strftime(_TIME)}), "
                "which does not cover it: back-dated, or added later from a copy that did not checkpoint it"
            )
            problems.append(Problem("back-dated", message, shown, record, None, "warning"))
    return problems


def make_checkpoint(catalogue: Catalogue, key: Path, signer: str | None = None) -> tuple[str, Checkpoint]:
    """Sign a checkpoint over every record and evidence file and write it to checkpoints/; the
    stem of its files and the checkpoint. Refused, with nothing written, when the checkpoints so
    far do not hold together, a file they cover was changed or removed, the key cannot sign, or
    it is not in allowed_signers (for `signer`, if given)."""
    from heritage.integrity import hashed_files

    root = catalogue.root
    allowed = layout.allowed_signers_file(root)
    try:
        allowed_text = read_whole(allowed).decode("utf-8", "replace")
    except FileNotFoundError:
        raise InvalidInput(
            "not found: add your signing key to it first, one line "
            '`you@example.org namespaces="heritage" ssh-ed25519 AAAA...` (see docs/guide.md)',
            file=f"{layout.CHECKPOINTS}/{layout.ALLOWED_SIGNERS}",
        ) from None
    except (OSError, SpecialFile):
        raise InvalidInput("cannot be read", file=f"{layout.CHECKPOINTS}/{layout.ALLOWED_SIGNERS}") from None
    public = signing.public_key(key)
    principals = signing.principals_for(allowed_text, public)
    if signer is None and not principals:
        raise InvalidInput(
            f"this key is not in {layout.CHECKPOINTS}/{layout.ALLOWED_SIGNERS}: add the line "
            f'`you@example.org namespaces="heritage" {public}` and commit it',
            file=key,
        )
    signer = signer or principals[0]
    if not signing.PRINCIPAL.fullmatch(signer):
        raise InvalidInput("a signer is letters, digits and . _ @ + -, as allowed_signers names it", field="signer")
    with alone(root):  # no append lands between the listing and the checkpoint's time
        chain = read_checkpoints(root, None)
        broken = [p for p in chain.all_problems if p.severity == "error"]
        if broken:
            raise InvalidInput(
                f"the checkpoints so far do not hold together ({broken[0].describe()}); run heritage verify"
            )
        now = datetime.now(UTC).replace(microsecond=0)
        hashes = hashed_files(catalogue, kept=True)
        current = {
            shown: hashes[shown] for shown in map(catalogue.display, layout.checkpointed_files(root)) if shown in hashes
        }
        gone = sorted(path for path, digest in chain.covered.items() if current.get(path) != digest)
        if gone:
            raise InvalidInput(
                f"{len(gone)} file(s) covered by earlier checkpoints were changed or removed, such as {gone[0]}; "
                "run heritage verify"
            )
        added = {path: digest for path, digest in current.items() if path not in chain.covered}
        odd = next((path for path in added if "\n" in path or "\\" in path), None)
        if odd is not None:
            raise InvalidInput("a newline or backslash in its name: rename it before checkpointing", file=odd)
        listed = list_text(added).encode("utf-8")
        previous = tuple(sorted(f.digest for f in chain.checkpoints if f.stem in chain.heads))
        checkpoint = Checkpoint(
            now, signer, len(current), root_hash(current), hashlib.sha256(listed).hexdigest(), previous
        )
        data = checkpoint.text().encode("ascii")
        signature = signing.sign(key, data)
        reason = signing.check_bytes(allowed, signer, signature, data, now)
        if reason is not None:
            raise InvalidInput(f"the signature does not verify for signer {signer}: {reason}", file=key)
        stem = checkpoint.stem(hashlib.sha256(data).hexdigest())
        folder = root / layout.CHECKPOINTS
        # The checkpoint last: until it is there, the other two are strays `verify` names.
        create_file(folder / f"{stem}{layout.LIST_SUFFIX}", listed)
        create_file(folder / f"{stem}{layout.SIGNATURE_SUFFIX}", signature)
        create_file(folder / f"{stem}{layout.CHECKPOINT_SUFFIX}", data)
    return stem, checkpoint
