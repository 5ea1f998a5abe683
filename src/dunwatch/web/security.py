"""What keeps the local app safe: the per-install secret, sessions, CSRF tokens, safe names and paths.

Why each piece exists, even on 127.0.0.1: any web page the borrower opens in the same browser can
send requests to a local port (CSRF, DNS rebinding), and collectors' texts shown on our pages are
written by hostile people (escaping and a script-free Content-Security-Policy).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import unicodedata
from pathlib import Path, PurePosixPath

from itsdangerous import BadSignature, URLSafeSerializer

SECRET_FILE = "web-secret"
SESSION_COOKIE = "dw_session"
LANG_COOKIE = "dw_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

# Scripts only from our own static files, never inline; nothing from any other origin.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Generated dossier HTML is viewed with no script at all, sandboxed away from the app's origin.
VIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}


def config_dir() -> Path:
    """The user's dunwatch config folder (XDG on Linux; DUNWATCH_CONFIG_DIR overrides)."""
    explicit = os.environ.get("DUNWATCH_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dunwatch"


def install_secret(folder: Path | None = None) -> bytes:
    """The per-install secret that signs sessions and CSRF tokens; created once, readable by the user only."""
    folder = folder or config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)  # someone loosened it; a readable secret lets others forge tokens
        value = path.read_text(encoding="ascii").strip()
        if len(value) >= 64:
            return bytes.fromhex(value)
        os.chmod(path, 0o600)
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value + "\n")
    return bytes.fromhex(value)


class Sessions:
    """A random session id in a signed cookie; the CSRF token is an HMAC of it (synchronizer token
    without server state: only the server, holding the secret, can compute it)."""

    def __init__(self, secret: bytes):
        self._secret = secret
        self._signer = URLSafeSerializer(secret.hex(), salt="dunwatch-session")

    def new(self) -> tuple[str, str]:
        sid = secrets.token_urlsafe(24)
        return sid, self._signer.dumps(sid)

    def read(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            sid = self._signer.loads(cookie)
        except BadSignature:
            return None
        return sid if isinstance(sid, str) else None

    def csrf_token(self, sid: str) -> str:
        return hmac.new(self._secret, f"csrf|{sid}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, sid: str | None, token: str | None) -> bool:
        if not sid or not token or not isinstance(token, str):
            return False
        return hmac.compare_digest(self.csrf_token(sid), token)


# A case name is one folder name: letters of any script (with their combining marks), digits, and
# - _ . space inside; no separators, no leading dot (hidden, "..") and short enough for every file system.
def valid_case_name(name: str) -> bool:
    if not isinstance(name, str) or not 1 <= len(name) <= 64 or name != name.strip() or name.endswith("."):
        return False
    if ".." in name or unicodedata.category(name[0])[0] not in "LN":
        return False
    return all(unicodedata.category(ch)[0] in "LMN" or ch in "-_. " for ch in name)


def safe_child(base: Path, relative: str) -> Path | None:
    """`base/relative` if it stays inside base and names a regular file (no "..", no symlinks out)."""
    if not relative or "\x00" in relative or "\\" in relative:
        return None
    parts = PurePosixPath(relative).parts
    if PurePosixPath(relative).is_absolute() or any(p in ("..", ".") for p in parts):
        return None
    root = base.resolve()
    candidate = (base / relative)
    try:
        resolved = candidate.resolve(strict=True)
    except (FileNotFoundError, OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


def safe_upload_name(name: str | None) -> str:
    """The last component of a browser-supplied file name, without control characters."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if name in ("", ".", ".."):
        name = "upload.bin"
    return name[-120:]


def safe_next(path: str | None) -> str:
    """Only redirect back to a page of this app (no open redirect to another site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or any(
            ord(ch) < 32 for ch in path):
        return "/"
    return path
