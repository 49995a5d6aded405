"""Small steps of the owner's journey: fill a panel form by field names, submit it, switch
the language. Field names are the same in every language, so the journey reads the same in
English and Ukrainian."""

PASSWORD = "Perkline-owner-42"


def fill(page, values):
    """Type into inputs, pick options of selects and tick radios/checkboxes, by field name.

    A value of True ticks a checkbox; a list ticks those values of a checkbox group.
    """
    for name, value in values.items():
        selector = f"[name='{name}']"
        first = page.locator(selector).first
        tag = first.evaluate("el => el.tagName.toLowerCase()")
        kind = (first.get_attribute("type") or "").lower()
        if tag == "select":
            page.select_option(selector, str(value))
        elif kind == "radio":
            page.check(f"{selector}[value='{value}']")
        elif kind == "checkbox" and isinstance(value, list | tuple):
            for one in value:
                page.check(f"{selector}[value='{one}']")
        elif kind == "checkbox":
            page.set_checked(selector, bool(value))
        else:
            page.fill(selector, str(value))


def submit(page):
    """Press the form's primary button and wait for the answer page."""
    with page.expect_navigation():
        page.locator("form.form button[type=submit].btn--primary").first.click()


def switch_language(page, code):
    """Press the page's language button (the switcher posts to /i18n/setlang/)."""
    button = page.locator(f".lang__btn[value='{code}']").first
    if button.get_attribute("aria-current") != "true":
        with page.expect_navigation():
            button.click()
    assert page.get_attribute("html", "lang") == code


def errors_on(page):
    """The error summary and field errors of the page, for a readable assertion message."""
    return page.locator(".alert--error, .field__error, .errorlist").all_inner_texts()
