"""The JAX target: ``jax.numpy`` code that ``jax.jit``, ``jax.grad`` and ``jax.vmap`` can transform.

Scalars stay arrays (no ``.item()``, which a trace cannot do), arrays take JAX's default float type
(float64 once ``jax_enable_x64`` is set), and no helper branches on values: the matrix exponential,
whose scaling-and-squaring helper picks its number of squarings from the values, is
``jax.scipy.linalg.expm``.
"""

from __future__ import annotations

from .backend import Backend, register


def _block(rows: list[list[str]]) -> str:
    return "jnp.block([" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "])"


KRON_MATMUL = '''def _kron_matmul(a, b, m):
    """kron(a, b) @ m without forming kron(a, b): column by column, vec(b X a.T) with vec(X) = m[:, k]."""
    (p, q), (r, s) = b.shape, a.shape
    x = m.reshape(q, s, m.shape[1], order="F")
    return jnp.einsum("pq,qsk,rs->prk", b, x, a, optimize=True).reshape(p * r, m.shape[1], order="F")
'''

COMMUTATION_ORDER = '''def _commutation_order(m, n):
    """Row order of the commutation matrix K(m, n): (K @ v)[i] = v[order[i]], so K vec(A) = vec(A.T)."""
    return jnp.arange(m * n).reshape(m, n, order="F").T.reshape(-1, order="F")
'''

EXPM = '''def _expm(u):
    from jax.scipy.linalg import expm

    return expm(u)
'''

JAX = register(Backend(
    name="jax",
    namespace="jnp",
    imports=("import jax.numpy as jnp",),
    arrays="JAX or NumPy arrays",
    scalar_words="a 0-d array",
    array_word="array",
    argument="jnp.asarray({0}, dtype=jnp.result_type(float))",
    scalar_argument="jnp.asarray({0}, dtype=jnp.result_type(float))",
    scalar_result="jnp.reshape(jnp.asarray({0}, dtype=jnp.result_type(float)), ())",
    ndim="jnp.ndim({0})",
    ones="jnp.ones({0})",
    zeros="jnp.zeros({0})",
    eye="jnp.eye({0})",
    flat="jnp.reshape({0}, (-1,))",
    item_1x1="jnp.reshape({0}, (1, 1))",
    block=_block,
    kron_matmul=KRON_MATMUL,
    commutation_order=COMMUTATION_ORDER,
    functions={"expm": ("_expm({0})", EXPM)},
    constant="float({0})",
))
