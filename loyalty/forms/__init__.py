"""Panel forms, one module per area; `base.BusinessModelForm` scopes every choice."""
