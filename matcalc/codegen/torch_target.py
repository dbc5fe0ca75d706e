"""The PyTorch target: ``torch`` code that ``torch.func.grad``, ``torch.func.vmap`` and ``torch.compile`` can
transform. The arrays it creates (ones, identities, indices) are made on PyTorch's default device, so on a GPU
set it (``torch.set_default_device("cuda")``) as the tensors passed in are.

Tensors take PyTorch's default float type (``torch.set_default_dtype(torch.float64)`` for double
precision); scalars stay 0-d tensors. PyTorch spells a few rows otherwise than NumPy: ``relu``;
``step`` (``heaviside`` has no derivative in autograd); ``logaddexp`` (two tensors); ``matrix_exp``;
``kron`` (which refuses a transposed, non-contiguous operand). It has no ``block`` (rows are
concatenated) and no column-major reshape (the Kronecker and commutation helpers use row-major
reshapes and a permutation of axes).
"""

from __future__ import annotations

from .backend import Backend, register


def _block(rows: list[list[str]]) -> str:
    return "torch.cat([" + ", ".join("torch.cat([" + ", ".join(row) + "], dim=1)" for row in rows) + "], dim=0)"


KRON_MATMUL = '''def _kron_matmul(a, b, m):
    """kron(a, b) @ m without forming kron(a, b): column by column, vec(b X a.T) with vec(X) = m[:, k]."""
    (p, q), (r, s) = b.shape, a.shape
    x = m.reshape(s, q, m.shape[1])  # x[j, i, k] = X_k[i, j]
    return torch.einsum("pq,sqk,rs->rpk", b, x, a).reshape(p * r, m.shape[1])
'''

COMMUTATION_ORDER = '''def _commutation_order(m, n):
    """Row order of the commutation matrix K(m, n): (K @ v)[i] = v[order[i]], so K vec(A) = vec(A.T)."""
    return torch.arange(m * n).reshape(n, m).T.reshape(-1)
'''

TORCH = register(Backend(
    name="torch",
    namespace="torch",
    imports=("import torch",),
    arrays="PyTorch tensors or NumPy arrays",
    scalar_words="a 0-d tensor",
    array_word="tensor",
    argument="torch.as_tensor({0}, dtype=torch.get_default_dtype())",
    scalar_argument="torch.as_tensor({0}, dtype=torch.get_default_dtype())",
    scalar_result="torch.reshape(torch.as_tensor({0}, dtype=torch.get_default_dtype()), ())",
    ndim="torch.as_tensor({0}).dim()",
    ones="torch.ones({0})",
    zeros="torch.zeros({0})",
    eye="torch.eye({0})",
    flat="torch.reshape({0}, (-1,))",
    item_1x1="torch.reshape(torch.as_tensor({0}, dtype=torch.get_default_dtype()), (1, 1))",
    block=_block,
    kron_matmul=KRON_MATMUL,
    commutation_order=COMMUTATION_ORDER,
    functions={
        "relu": ("torch.relu({0})", ""),
        "step": ("torch.where({0} > 0, 1.0, 0.0)", ""),  # heaviside has no derivative in autograd
        "softplus": ("torch.logaddexp(torch.zeros_like({0}), {0})", ""),
        "expm": ("torch.linalg.matrix_exp({0})", ""),
        "kron": ("torch.kron({0}.contiguous(), {1}.contiguous())", ""),
    },
    constant="torch.tensor({0}, dtype=torch.get_default_dtype())",
))
