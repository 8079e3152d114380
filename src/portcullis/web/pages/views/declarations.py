from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from portcullis.web.declarations.models import Declaration
from portcullis.web.declarations.services.page import declaration_page
from portcullis.web.pages.access import may_see, requires
from portcullis.web.pages.forms.decisions import OverrideForm


@requires("declarations.view_declaration")
def detail(request: HttpRequest, declaration_id: str) -> HttpResponse:
    declaration = get_object_or_404(
        Declaration.objects.select_related(
            "office", "declarant", "importer", "seller", "courier", "assignment__officer"
        ),
        declaration_id=declaration_id,
    )
    if not may_see(request.user, declaration):
        raise Http404  # other offices' declarations are not to be known, not "forbidden"
    page = declaration_page(declaration)
    context = {
        "page": page,
        "declaration": declaration,
        "may_record": page.may_record(request.user),
        "may_override": page.may_override(request.user),
        "override_form": OverrideForm(current=page.latest.channel) if page.latest else None,
    }
    return render(request, "declarations/detail.html", context)
