"""Signed, expiring, single-purpose links to files the bot serves itself.

Zalo bots cannot upload files: a photo is sent by URL and a spreadsheet only as a link. A file
is written under a random id and linked as ``{base}/files/{id}/{name}?exp=…&sig=…`` where
``sig`` is an HMAC-SHA256 over the purpose, id, name and expiry. The link stays valid until it
expires (Zalo fetches a photo URL more than once, so it cannot be single-use); an expired,
forged or malformed link is refused without saying whether the file exists.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import mimetypes
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from bot.storage.db import utcnow

log = logging.getLogger(__name__)

PURPOSE = "zalo-file"
PATH_PREFIX = "/files/"
_ID = re.compile(r"^[0-9a-f]{32}$")
# Names keep letters (Vietnamese included), digits, dot, dash, underscore: never a separator.
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name without path separators or leading dots (``../x`` cannot escape)."""
    cleaned = _UNSAFE.sub("_", name).lstrip("._") or "tep"
    return cleaned[:100]


@dataclass(frozen=True, slots=True)
class Served:
    """A verified file: where it is and how to label it."""

    path: Path
    name: str
    mime_type: str


class FileLinks:
    """Publishes files under ``directory`` and checks the links to them."""

    def __init__(
        self,
        key: bytes,
        base_url: str,
        directory: Path,
        lifetime: timedelta = timedelta(hours=24),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._key = key
        self._base = base_url.rstrip("/")
        self.directory = directory
        self.lifetime = lifetime
        self._clock = clock

    def _sign(self, file_id: str, name: str, expires: int) -> str:
        message = f"{PURPOSE}\n{file_id}\n{name}\n{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def publish(self, name: str, data: bytes) -> str:
        """Store ``data`` and return its signed URL (valid for ``lifetime``)."""
        self.sweep()
        file_id = secrets.token_hex(16)
        name = safe_name(name)
        folder = self.directory / file_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        expires = int((self._clock() + self.lifetime).timestamp())
        signature = self._sign(file_id, name, expires)
        return f"{self._base}{PATH_PREFIX}{file_id}/{quote(name)}?exp={expires}&sig={signature}"

    def verify(self, file_id: str, name: str, expires: str, signature: str) -> Served | None:
        """The file a link points to, or None when the link is expired, forged or malformed."""
        if not _ID.match(file_id) or name != safe_name(name) or not expires.isdigit():
            return None
        expected = self._sign(file_id, name, int(expires))
        if not hmac.compare_digest(expected, signature):
            return None
        if int(expires) < self._clock().timestamp():
            return None
        path = self.directory / file_id / name
        if not path.is_file():
            return None
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Served(path, name, mime)

    def sweep(self) -> int:
        """Delete files whose links have all expired; returns how many went."""
        if not self.directory.is_dir():
            return 0
        cutoff = (self._clock() - self.lifetime - timedelta(hours=1)).timestamp()
        removed = 0
        for folder in self.directory.iterdir():
            if not _ID.match(folder.name) or folder.stat().st_mtime >= cutoff:
                continue
            for item in folder.iterdir():
                item.unlink()
            folder.rmdir()
            removed += 1
        return removed
