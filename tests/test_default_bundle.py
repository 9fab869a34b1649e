"""The full-size default bundle (10.5 M parameters). Slow: about 4 minutes of XNNPACK lowering."""

from __future__ import annotations

import pytest

from edge_sdk.build import build_bundle
from edge_sdk.config import load_config
from edge_sdk.verify import verify_bundle

pytestmark = pytest.mark.slow


def test_default_bundle_builds_and_verifies(tmp_path):
    bundle = build_bundle(load_config(None), tmp_path / "default", log=lambda _m: None)
    m = bundle.manifest
    assert m.parameters == 10_519_552
    sizes = {a.quantization: a.size_bytes for a in m.artifacts}
    assert sizes["int8"] < 0.4 * sizes["fp32"]
    reports = verify_bundle(bundle)
    assert all(r.passed and r.cache_isolated for r in reports), [r.reason for r in reports]
