"""The learned models' weights and thresholds, as JSON written by benchmarks/train_models.py."""
