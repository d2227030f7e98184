from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .public import public_page_or_404

# Figures change once a night: ten minutes in any cache is fresh enough and spares the server.
PUBLIC_MAX_AGE = 600


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_results(request, code: str):
    """Trang công khai kết quả của một tỉnh: no login, snapshots only, cacheable."""
    return render(request, "public/results.html", {"page": public_page_or_404(code)})
