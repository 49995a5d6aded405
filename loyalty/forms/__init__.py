"""Panel forms, one module per area; `core.forms.BusinessModelForm` scopes every choice."""
