"""Checks on evidence uploads: the type comes from the content, never from the file name."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

PDF = ("application/pdf", ".pdf")
JPEG = ("image/jpeg", ".jpg")
PNG = ("image/png", ".png")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")

ALLOWED_DESCRIPTION = _("PDF, JPEG, PNG, DOCX hoặc XLSX")


def max_evidence_bytes() -> int:
    return getattr(settings, "TASK_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def _office_type(upload) -> tuple[str, str] | None:
    """DOCX and XLSX are zip archives; tell them apart by the parts they must contain."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def detect_evidence_type(upload) -> tuple[str, str] | None:
    """(MIME type, extension) of an allowed file, judged by its first bytes; None otherwise."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        found = _office_type(upload)
        upload.seek(0)
        return found
    return None


def check_evidence_file(upload) -> tuple[str, str]:
    """Raise a Vietnamese ValidationError unless the file is allowed; return its (MIME type, extension)."""
    limit = max_evidence_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(limit)s."),
            code="too_large",
            params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng."), code="empty", params={"name": upload.name})
    found = detect_evidence_type(upload)
    if found is None:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không đúng định dạng cho phép (%(allowed)s). "
                "Hệ thống kiểm tra nội dung tệp, không chỉ đuôi tệp."
            ),
            code="bad_type",
            params={"name": upload.name, "allowed": ALLOWED_DESCRIPTION},
        )
    return found
