"""Panel views, one module per area; `base` holds the generic tenant-scoped views."""
