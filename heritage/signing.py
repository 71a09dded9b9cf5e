"""Signatures made and checked by OpenSSH's `ssh-keygen -Y`, the format git signs commits with.

A signature is `ssh-keygen -Y sign -n heritage` over a file's exact bytes; it is checked with
`ssh-keygen -Y verify` against an `allowed_signers` file (principals, options, key: see
ssh-keygen(1), ALLOWED SIGNERS), at the time the signer claims (`verify-time`), so that a key
retired with `valid-before=` still checks what it signed before. Nothing here reads a private key
itself: ssh-keygen does, or ssh-agent when a public key is given.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from heritage.errors import InvalidInput

NAMESPACE = "heritage"  # the signature namespace: a heritage signature is never taken for a git or email one
# A signer as a checkpoint names it: an allowed_signers principal, safe in a shell's word.
PRINCIPAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")
_KEY_LINE = re.compile(r"(?:(?P<options>\S+)\s+)??(?P<type>(?:ssh|ecdsa|sk)-\S+)\s+(?P<blob>[A-Za-z0-9+/=]+)(?:\s|$)")
TIMEOUT = 120  # seconds for one ssh-keygen run: ssh-agent may ask the user to confirm


def ssh_keygen() -> str:
    """Where ssh-keygen is, or a clear error."""
    found = shutil.which("ssh-keygen")
    if found is None:
        raise InvalidInput(
            "ssh-keygen (OpenSSH 8.9 or later) was not found on PATH: it signs and checks checkpoints; "
            "install OpenSSH's client tools"
        )
    return found


def _run(args: list[str], data: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    # A new session has no terminal: ssh-keygen cannot stop to ask for a passphrase.
    return subprocess.run(
        [ssh_keygen(), *args], input=data, capture_output=True, timeout=TIMEOUT, start_new_session=True, check=False
    )


def _said(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = [
        line.strip()
        for line in result.stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.startswith(("Signing data", "Enter passphrase"))
    ]
    return "; ".join(lines) or f"ssh-keygen exited with status {result.returncode}"


def public_key(key: Path) -> str:
    """The public half of KEY as `<type> <base64>`. KEY is a private key without a passphrase, or a
    public key whose private half ssh-agent holds (or that lies beside it, without a passphrase)."""
    try:
        text = key.read_bytes()
    except FileNotFoundError:
        raise InvalidInput("no such key file", file=key) from None
    except OSError as error:
        raise InvalidInput(f"cannot be read ({error.strerror})", file=key) from None
    match = _KEY_LINE.match(text.decode("utf-8", "replace").strip())
    if match and not match.group("options"):  # a public key: the agent signs (`ssh-add` the private one)
        return f"{match.group('type')} {match.group('blob')}"
    result = _run(["-y", "-P", "", "-f", str(key)])
    if result.returncode != 0:
        reason = _said(result)
        if "passphrase" in reason:
            raise InvalidInput(
                "this key has a passphrase, which heritage does not ask for: load it into ssh-agent "
                f"(ssh-add {key}) and give its public key instead (--key {key}.pub)",
                file=key,
            )
        raise InvalidInput(f"is not an SSH key that ssh-keygen can use ({reason})", file=key)
    return " ".join(result.stdout.decode("ascii", "replace").split()[:2])


def principals_for(allowed_signers: str, public: str) -> list[str]:
    """The principals an allowed_signers text lists for this public key, in order (patterns with
    `*` or `?` and negations left out: a checkpoint names one signer)."""
    found: list[str] = []
    for line in allowed_signers.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        principals, _, rest = line.partition(" ")
        match = _KEY_LINE.match(rest.strip())
        if match and f"{match.group('type')} {match.group('blob')}" == public:
            found += [p for p in principals.split(",") if PRINCIPAL.fullmatch(p) and p not in found]
    return found


def sign(key: Path, data: bytes) -> bytes:
    """An SSH signature (the armoured text ssh-keygen writes to FILE.sig) over `data`."""
    result = _run(["-Y", "sign", "-f", str(key), "-n", NAMESPACE], data)
    if result.returncode != 0 or not result.stdout.startswith(b"-----BEGIN SSH SIGNATURE-----"):
        raise InvalidInput(f"ssh-keygen could not sign with this key ({_said(result)})", file=key)
    return result.stdout


def verify_time(at: datetime) -> str:
    """A time as ssh-keygen's `verify-time` option reads it: YYYYMMDDHHMMSSZ."""
    return at.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def check(allowed_signers: Path, signer: str, signature: Path, data: bytes, at: datetime) -> str | None:
    """Why the signature is not a good `heritage` signature of `data` by `signer` under
    allowed_signers at time `at`, or None if it is."""
    result = _run(
        [
            "-Y",
            "verify",
            "-f",
            str(allowed_signers),
            "-I",
            signer,
            "-n",
            NAMESPACE,
            "-s",
            str(signature),
            "-O",
            f"verify-time={verify_time(at)}",
        ],
        data,
    )
    return None if result.returncode == 0 else _said(result)


def check_bytes(allowed_signers: Path, signer: str, signature: bytes, data: bytes, at: datetime) -> str | None:
    """`check` for a signature held in memory (before it is written)."""
    with tempfile.TemporaryDirectory(prefix="heritage-sig-") as folder:
        path = Path(folder, "checkpoint.sig")
        path.write_bytes(signature)
        os.chmod(path, 0o600)
        return check(allowed_signers, signer, path, data, at)
