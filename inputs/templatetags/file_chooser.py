"""``{% file_chooser %}``: the portal's file box for a page's own form, not a Django form field.

Same widget and template as form fields (inputs.widgets.FileChooserInput), so every file input
of the portal reads "Chọn tệp" / "Chưa chọn tệp" whatever the browser's language.
"""

from django import template

from inputs.widgets import FileChooserInput

register = template.Library()


@register.simple_tag
def file_chooser(name: str, **attrs):
    """``{% file_chooser "tep" id="tep" accept=".xlsx" required=True aria_label="…" %}``.

    Attribute names are written with "_" in the tag (``aria_label``) and rendered with "-".
    """
    html_attrs = {key.replace("_", "-"): value for key, value in attrs.items()}
    return FileChooserInput().render(name, None, attrs=html_attrs)
