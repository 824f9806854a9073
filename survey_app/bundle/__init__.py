"""USB export bundles: sealed envelopes with a signed manifest, written atomically."""

from survey_app.bundle.atomic import atomic_write, atomic_write_bytes
from survey_app.bundle.container import (
    BUNDLE_FORMAT,
    BUNDLE_SUFFIX,
    Bundle,
    BundleError,
    BundleInfo,
    BundleManifest,
    ManifestEntry,
    default_bundle_name,
    read_bundle,
    write_bundle,
)

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_SUFFIX",
    "Bundle",
    "BundleError",
    "BundleInfo",
    "BundleManifest",
    "ManifestEntry",
    "atomic_write",
    "atomic_write_bytes",
    "default_bundle_name",
    "read_bundle",
    "write_bundle",
]
