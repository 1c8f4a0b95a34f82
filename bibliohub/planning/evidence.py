"""Which files may be attached to a progress update as evidence, and how large. Pure
functions of a file's name, its first bytes and its size: no database.

A file's type is read from its content (its first bytes), never taken from the name or the
browser's word for it, and the file is stored under the extension of that type: a script
named photo.jpg is refused, and what is served is what was checked. SVG and HTML are never
accepted (they can carry scripts). Limits: photos 10 MB, documents 20 MB, videos 200 MB."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from bibliohub.planning.errors import PlanningRefused, Reason
from bibliohub.planning.models import EvidenceKind

MB = 1024 * 1024
LIMITS: dict[str, int] = {
    EvidenceKind.PHOTO: 10 * MB,
    EvidenceKind.DOCUMENT: 20 * MB,
    EvidenceKind.VIDEO: 200 * MB,
}
# How many bytes of a file `check_file` needs to tell its type.
HEAD = 16


@dataclass(frozen=True)
class FileType:
    kind: EvidenceKind
    content_type: str
    extension: str

    @property
    def inline(self) -> bool:
        """Whether a browser may show it in the page (photos and videos); documents are
        downloaded."""
        return self.kind in (EvidenceKind.PHOTO, EvidenceKind.VIDEO)


_JPEG = FileType(EvidenceKind.PHOTO, "image/jpeg", ".jpg")
_PNG = FileType(EvidenceKind.PHOTO, "image/png", ".png")
_GIF = FileType(EvidenceKind.PHOTO, "image/gif", ".gif")
_WEBP = FileType(EvidenceKind.PHOTO, "image/webp", ".webp")
_MP4 = FileType(EvidenceKind.VIDEO, "video/mp4", ".mp4")
_MOV = FileType(EvidenceKind.VIDEO, "video/quicktime", ".mov")
_WEBM = FileType(EvidenceKind.VIDEO, "video/webm", ".webm")
_PDF = FileType(EvidenceKind.DOCUMENT, "application/pdf", ".pdf")
_TEXT = FileType(EvidenceKind.DOCUMENT, "text/plain; charset=utf-8", ".txt")

# Office files are ZIP (OOXML, OpenDocument) or OLE (Office 97–2003) containers: the content
# says which container, the extension which program.
_ZIP_DOCUMENTS = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
_OLE_DOCUMENTS = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}


def detect(name: str, head: bytes) -> FileType | None:
    """The type of a file called `name` whose first bytes are `head`, or None when it is
    not one that may be attached."""
    suffix = PurePath(name).suffix.lower()
    if head.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return _WEBP
    if head[4:8] == b"ftyp":
        return _MOV if head[8:12] == b"qt  " else _MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _WEBM
    if head.startswith(b"%PDF-"):
        return _PDF
    if head.startswith(b"PK\x03\x04") and suffix in _ZIP_DOCUMENTS:
        return FileType(EvidenceKind.DOCUMENT, _ZIP_DOCUMENTS[suffix], suffix)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and suffix in _OLE_DOCUMENTS:
        return FileType(EvidenceKind.DOCUMENT, _OLE_DOCUMENTS[suffix], suffix)
    if suffix == ".txt" and _plain_text(head):
        return _TEXT
    return None


def _plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end inside a character.
        return error.start >= len(head) - 3
    return True


def check_file(name: str, head: bytes, size: int) -> FileType:
    """The type of the file, if it may be attached. Raises PlanningRefused (FILE_EMPTY,
    FILE_TYPE, or FILE_TOO_LARGE), its message naming the file (and the limit for its
    type)."""
    if size == 0:
        raise PlanningRefused(
            [Reason.FILE_EMPTY], message=_("%(name)s is empty.") % {"name": name}
        )
    found = detect(name, head)
    if found is None:
        raise PlanningRefused(
            [Reason.FILE_TYPE],
            message=_("%(name)s: %(reason)s") % {"name": name, "reason": Reason.FILE_TYPE.message},
        )
    limit = LIMITS[found.kind]
    if size > limit:
        raise PlanningRefused(
            [Reason.FILE_TOO_LARGE],
            message=_("%(name)s is %(size)s: a file of this type may be up to %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            limit=limit,
        )
    return found


def check_link(url: str) -> str:
    """The link, stripped, if it is a web address. Raises PlanningRefused (BAD_LINK)."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > 500:
        raise PlanningRefused([Reason.BAD_LINK])
    return url


def type_of(content_type: str, kind: str) -> FileType:
    """The stored file's type again, for serving it."""
    return FileType(EvidenceKind(kind), content_type, "")
