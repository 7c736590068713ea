"""Pure image functions over Pillow images and PNG bytes: no Dagster, no providers."""
