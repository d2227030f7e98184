"""Backup codes issued before this release were stored as typed; keep only their keyed digests.

The digest is the rule of portal.mfa.backup_code_digest at the time of writing (migrations import
no app code): HMAC-SHA256 keyed by SECRET_KEY, first 16 hex characters.
"""

from django.db import migrations
from django.utils.crypto import salted_hmac

DIGEST_LENGTH = 16


def digest(code):
    normalised = code.strip().replace(" ", "").lower()
    return salted_hmac("portal.mfa.backup-code", normalised, algorithm="sha256").hexdigest()[:DIGEST_LENGTH]


def hash_plain_backup_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    # Plain codes are 8 base32 characters; a digest is 16 hex characters.
    for token in StaticToken.objects.exclude(token__regex=r"^[0-9a-f]{16}$"):
        token.token = digest(token.token)
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_province_admin_role"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_backup_codes, migrations.RunPython.noop)]
