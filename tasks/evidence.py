"""Checks on evidence uploads: the type comes from the content, never from the file name."""

import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import EvidenceFile

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_REPORT = 10
# Storage quotas (settings override them): a task's evidence over all its reports, and
# everything one person has uploaded. Far above real use (a report is a few scans), far
# below what a script re-uploading 10 MB files would fill a disk with.
DEFAULT_TASK_QUOTA_BYTES = 200 * 1024 * 1024
DEFAULT_USER_QUOTA_BYTES = 1024 * 1024 * 1024
# Codes of the refusals that are about size (the page answers 413, not 400).
SIZE_CODES = {"too_large", "too_many_files", "task_quota", "user_quota"}

PDF = ("application/pdf", ".pdf")
JPEG = ("image/jpeg", ".jpg")
PNG = ("image/png", ".png")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")

EXTENSIONS = dict([PDF, JPEG, PNG, DOCX, XLSX])
ALLOWED_DESCRIPTION = _("PDF, JPEG, PNG, DOCX hoặc XLSX")


def max_evidence_bytes() -> int:
    return getattr(settings, "TASK_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def task_quota_bytes() -> int:
    return getattr(settings, "TASK_EVIDENCE_QUOTA_BYTES", DEFAULT_TASK_QUOTA_BYTES)


def user_quota_bytes() -> int:
    return getattr(settings, "USER_EVIDENCE_QUOTA_BYTES", DEFAULT_USER_QUOTA_BYTES)


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


def download_name(original_name: str, content_type: str) -> str:
    """The name an evidence file is downloaded under: its extension follows the checked content type.

    Also right for files stored before names were made from the content.
    """
    extension = EXTENSIONS.get(content_type)
    return evidence_names(original_name, extension)[1] if extension else original_name


def check_evidence_count(uploads) -> None:
    """At most MAX_FILES_PER_REPORT files in one report (checked before any file is read)."""
    if len(uploads) > MAX_FILES_PER_REPORT:
        raise ValidationError(
            _("Mỗi báo cáo đính kèm tối đa %(max)s tệp minh chứng (đã chọn %(count)s tệp)."),
            code="too_many_files",
            params={"max": MAX_FILES_PER_REPORT, "count": len(uploads)},
        )


def check_evidence_quota(*, task, user, uploads) -> None:
    """Refuse files that would take the task's or the user's stored evidence past its quota.

    Two aggregate queries; called under the task's row lock, so two reports on one task
    cannot both pass the task's quota.
    """
    check_evidence_count(uploads)
    adding = sum(upload.size for upload in uploads)
    if not adding:
        return
    for used, quota, code, message in (
        (
            EvidenceFile.objects.filter(update__task=task).aggregate(total=Sum("size"))["total"] or 0,
            task_quota_bytes(),
            "task_quota",
            _(
                "Minh chứng của nhiệm vụ này đã dùng %(used)s trên hạn mức %(quota)s; "
                "không thể thêm %(adding)s. Hãy gộp hoặc nén tệp, hoặc liên hệ quản trị."
            ),
        ),
        (
            EvidenceFile.objects.filter(update__author=user).aggregate(total=Sum("size"))["total"] or 0,
            user_quota_bytes(),
            "user_quota",
            _(
                "Bạn đã tải lên %(used)s minh chứng trên hạn mức %(quota)s; không thể thêm %(adding)s. "
                "Hãy liên hệ quản trị."
            ),
        ),
    ):
        if used + adding > quota:
            raise ValidationError(
                message,
                code=code,
                params={
                    "used": filesizeformat(used),
                    "quota": filesizeformat(quota),
                    "adding": filesizeformat(adding),
                },
            )


def evidence_names(uploaded_name: str, extension: str) -> tuple[str, str]:
    """(name to store, name to show and download) of an upload whose content is of type ``extension``.

    The uploader's extension is dropped: a PDF named "bao-cao.html" is stored and downloaded
    as ".pdf", so that no browser or desktop opens it as what its name claims.
    """
    stem = PurePosixPath(uploaded_name.replace("\\", "/")).name
    path = PurePosixPath(stem)
    stem = path.stem if path.suffix else stem
    stem = stem.strip(" .") or "minh-chung"
    download = f"{stem[: 255 - len(extension)]}{extension}"
    return f"minh-chung{extension}", download


def is_size_refusal(error: ValidationError) -> bool:
    """True when ``error`` (a form's or a service's) includes a refusal of size or quota."""
    codes = set()
    for item in getattr(error, "error_list", []) or []:
        codes.add(item.code)
    for items in (getattr(error, "error_dict", None) or {}).values():
        codes.update(item.code for item in items)
    return bool(codes & SIZE_CODES)
