def panel(request):
    """The current business and the user's other businesses, for the panel's header."""
    memberships = getattr(request, "memberships", [])
    return {
        "current_business": getattr(request, "business", None),
        "current_membership": getattr(request, "membership", None),
        # The switcher lists every business the person works for, whatever the role.
        "user_memberships": memberships,
    }
