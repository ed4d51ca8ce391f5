from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents import queries


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "welcome.html")
    return render(request, "dashboard.html", {"cases": queries.dashboard_cases(request.user)})
