"""Digit recognition on MNIST: architectures, a scikit-learn-style CNN, the model comparison, export.

inkling data load mnist && inkling train digits
"""
