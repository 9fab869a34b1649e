"""Typed per-bundle classes for apps (`edge-sdk bindings`): a bundle's manifest becomes a class that opens
exactly that bundle's artifact through the platform library (bridges/android for Kotlin)."""

from edge_sdk.bindings.model import BindingError, BundleBinding, bindings_for
from edge_sdk.bindings.render import LANGUAGES, render_bindings

__all__ = ["LANGUAGES", "BindingError", "BundleBinding", "bindings_for", "render_bindings"]
