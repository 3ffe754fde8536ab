"""ONNX Runtime predictors; numpy + onnxruntime only."""
