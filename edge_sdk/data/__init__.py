"""Offline training data: sources → clean sentences → synthetic learner errors → corpus splits."""
