from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import unit_breadcrumbs, unit_children_with_counts, unit_visible_to_or_404


@login_required
def unit_detail(request, code: str):
    """A unit inside the user's scope with its children; a 404 for anything else."""
    unit = unit_visible_to_or_404(request.user, code)
    return render(
        request,
        "provinces/unit_detail.html",
        {
            "unit": unit,
            "children": unit_children_with_counts(unit),
            "breadcrumbs": unit_breadcrumbs(request.user, unit),
        },
    )
