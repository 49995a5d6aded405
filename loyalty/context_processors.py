def panel(request):
    """The current business and the user's other businesses, for the panel's header."""
    return {
        "current_business": getattr(request, "business", None),
        "current_membership": getattr(request, "membership", None),
    }
