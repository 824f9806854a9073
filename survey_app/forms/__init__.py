"""Form definitions: model, strict loader and checker (no Qt)."""
