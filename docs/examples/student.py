"""A student's homework: gradients written in NumPy, checked with `matcalc check-code` (docs/cli.md).

    matcalc check-code docs/examples/student.py:grad "||X@w - y||^2" wrt w
"""

import numpy as np


def grad(w, X, y):
    """The gradient of the least-squares loss ||X w - y||^2 with respect to w."""
    return X.T @ (X @ w - y)


def grad_ridge(w, X, y, lam):
    """The gradient of ||X w - y||^2 + lam ||w||^2."""
    return 2 * X.T @ (X @ w - y) + 2 * lam * w


def grad_logistic(w, X, y):
    """The gradient of the logistic loss sum(log(1 + exp(X w))) - y^T X w."""
    p = 1 / (1 + np.exp(-X @ w))
    g = np.zeros(X.shape[0])
    for i in range(len(w)):
        g[i] = X[:, i] @ (p - y)
    return g


def grad_slow(w, X, y):
    """The gradient, computed one entry at a time, forever."""
    g = np.zeros_like(w)
    while True:
        g += 0.0
