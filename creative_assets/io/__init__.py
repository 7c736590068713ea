"""Object storage for every asset value: PNG files plus a JSON record, under readable paths."""

from creative_assets.io.artifact_store import ArtifactStore, ObjectStoreIOManager

__all__ = ["ArtifactStore", "ObjectStoreIOManager"]
