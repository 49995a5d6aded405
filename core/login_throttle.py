"""Sign-in forms that cannot be brute-forced (quality.md R15).

After PERKLINE_LOGIN_FAILURES_PER_LOGIN failures for one login, or
PERKLINE_LOGIN_FAILURES_PER_ADDRESS from one client address, within their window, a sign-in
answers 429 with the minutes to wait, whatever the password: checking the password then
would still let a guesser learn it. Wraps any Django login view (the panel's, the admin's):
a POST answered with the form again (200) is a failure; a success redirects.
"""

from functools import wraps

from django.shortcuts import render

from . import throttle
from .net import client_address


def locked_out(request, exc: throttle.Throttled):
    response = render(request, "registration/locked_out.html", {"minutes": exc.minutes}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def login_throttled(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        login, address = request.POST.get("username", ""), client_address(request)
        try:
            throttle.check_login(login=login, address=address)
        except throttle.Throttled as exc:
            return locked_out(request, exc)
        response = view(request, *args, **kwargs)
        if response.status_code == 200:  # the form again: the sign-in failed
            throttle.count_login_failure(login=login, address=address)
        return response

    return wrapped
