from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import (
    UNIT_SEARCH_LIMIT,
    unit_breadcrumbs,
    unit_children_with_counts,
    unit_predecessors,
    unit_visible_to_or_404,
    units_matching,
)
from .widgets import unit_chain_label


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
            "predecessors": unit_predecessors(unit),
        },
    )


@login_required
def unit_search(request):
    """Current and legacy units in the user's scope whose name or code matches ``q``."""
    text = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "provinces/unit_search.html",
        {"query": text, "results": units_matching(request.user, text), "limit": UNIT_SEARCH_LIMIT},
    )


@login_required
@require_GET
def unit_suggest(request):
    """The unit search for the form choosers, as JSON: ``{"results": [{"id", "text", "legacy"}]}``.

    The same search and scope as the search page (``units_matching``); the label names the parent
    chain and, for a legacy unit, "(cũ) → its successor".
    """
    text = request.GET.get("q", "").strip()[:100]
    return JsonResponse(
        {
            "results": [
                {"id": unit.pk, "text": f"{unit_chain_label(unit)} ({unit.code})", "legacy": unit.is_legacy}
                for unit in units_matching(request.user, text)
            ]
        }
    )
