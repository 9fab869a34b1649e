from edge_sdk.verify.parity import ArtifactReport, verify_artifact, verify_bundle

__all__ = ["ArtifactReport", "verify_artifact", "verify_bundle"]
