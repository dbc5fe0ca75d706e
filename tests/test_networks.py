"""Neural-network objectives in matrix notation (Goodfellow et al., Deep Learning §6.5).

* Note 003's network with the note's numbers (item 10), every backward number from the SYMBOLIC
  derivatives, and one gradient step; sigmoid + cross-entropy (item 11).
* Note 000's forward pass (item 14, the erratum not encoded).
* Note 002's two-layer network with block concatenation (item 9): the closed forms, the note's
  formula computed in NumPy, and training by gradient descent on the derived gradients.
* A softmax cross-entropy classifier, a three-layer sigmoid network with binary cross-entropy, and
  L-layer tanh/ReLU MLPs given as one expression: every weight and bias passes ``.check()``.
* Depth scaling: with shared subexpressions named once, the printed derivative of an L-layer MLP
  grows at most linearly in L (L = 1..16).
* RBF regression (item 8), the ReLU neuron (item 12), the element-wise vocabulary and
  ``register_function``.
"""

from __future__ import annotations

import numpy as np
import pytest

import matcalc as mc
from matcalc.expr import count_nodes
from matcalc.functions import lookup
from matcalc.printing.lets import with_lets


def _passes(d) -> None:
    report = d.check()
    assert report.status == "pass", f"d({d.f})/d{d.wrt.name} = {d}: {report}"


def _as_printed(actual, printed, decimals: int) -> None:
    """`actual` rounds to the note's printed numbers (half a unit of the last printed digit)."""
    actual = np.asarray(actual, dtype=float).ravel()
    printed = np.asarray(printed, dtype=float).ravel()
    assert actual.shape == printed.shape, (actual, printed)
    assert np.all(np.abs(actual - printed) <= 0.5 * 10.0**-decimals + 1e-12), (actual, printed)


# ---------------------------------------------------------------- backpropagation with numbers

N3_WHERE = "x, y, b3: scalar; W1: matrix(2, 1); W2: matrix(3, 2); b1: vector(2); b2: vector(3); w3: vector(3)"
N3_A1 = "sigmoid(W1 @ x + b1)"
N3_A2 = f"sigmoid(W2 @ {N3_A1} + b2)"
N3_YHAT = f"sigmoid(w3.T @ {N3_A2} + b3)"
N3_LOSS = f"-(y * log({N3_YHAT}) + (1 - y) * log(1 - {N3_YHAT}))"
N3_PARAMS = ("w3", "b3", "W2", "b2", "W1", "b1")


def _note_003_values():
    return {
        "x": 2.0, "y": 1.0,
        "b1": np.array([[0.1], [0.2]]), "W1": np.array([[0.1], [0.1]]),
        "b2": np.array([[0.3], [0.1], [0.2]]), "W2": np.array([[0.2, 0.1], [0.3, 0.2], [0.1, 0.3]]),
        "b3": 0.5, "w3": np.array([[0.4], [0.2], [0.6]]),
    }


@pytest.fixture(scope="module")
def note_003_gradients():
    return {p: mc.derive(N3_LOSS, p, where=N3_WHERE) for p in N3_PARAMS}


def test_note_003_forward_pass():
    values = _note_003_values()
    _as_printed(mc.evaluate(N3_A1, values, where=N3_WHERE), [0.5744, 0.5987], 4)
    _as_printed(mc.evaluate(N3_A2, values, where=N3_WHERE), [0.6165, 0.5968, 0.6076], 4)
    _as_printed(mc.evaluate(N3_YHAT, values, where=N3_WHERE), 0.7739, 4)
    _as_printed(mc.evaluate(N3_LOSS, values, where=N3_WHERE), 0.2563, 4)


@pytest.mark.parametrize("param", N3_PARAMS)
def test_note_003_gradients_pass_check_and_have_the_parameter_shape(note_003_gradients, param):
    d = note_003_gradients[param]
    assert d.shape == d.wrt.shape
    _passes(d)


def test_note_003_backward_numbers(note_003_gradients):
    values = _note_003_values()
    g = {p: note_003_gradients[p].evaluate(values) for p in N3_PARAMS}
    _as_printed(g["w3"], [-0.1394, -0.1349, -0.1374], 4)
    _as_printed(g["b3"], -0.2261, 4)
    assert np.shape(g["W2"]) == (3, 2)
    _as_printed(g["W2"][0], [-0.0123, -0.0128], 4)
    _as_printed(g["W2"][1], [-0.0063, -0.0065], 4)
    _as_printed(g["W2"][2], [-0.0186, -0.0194], 4)
    _as_printed(g["b2"], [-0.0214, -0.0109, -0.0323], 4)  # = ∂L/∂z2
    assert np.shape(g["W1"]) == (2, 1)
    _as_printed(g["W1"], [-0.00527, -0.00674], 5)
    _as_printed(g["b1"], [-0.00263, -0.00337], 5)  # = ∂L/∂z1


def test_note_003_dz3_is_yhat_minus_y():
    """∂L/∂z = σ(z) − y for the sigmoid with cross-entropy; at the worked example's z3 it is ŷ − y = −0.2261."""
    d = mc.derive("-(y*log(sigmoid(z)) + (1-y)*log(1-sigmoid(z)))", "z", where="y, z: scalar")
    assert str(d) == "sigmoid(z) - y"
    _passes(d)
    values = _note_003_values()
    z3 = mc.evaluate(f"w3.T @ {N3_A2} + b3", values, where=N3_WHERE)
    dz3 = d.evaluate({"z": z3, "y": values["y"]})
    _as_printed(dz3, -0.2261, 4)
    assert dz3 == pytest.approx(mc.evaluate(N3_YHAT, values, where=N3_WHERE) - 1.0, abs=1e-12)


def test_note_003_one_gradient_step(note_003_gradients):
    values = _note_003_values()
    step = dict(values)
    for p in N3_PARAMS:
        step[p] = values[p] - 0.1 * np.asarray(note_003_gradients[p].evaluate(values))
    _as_printed(mc.evaluate(N3_YHAT, step, where=N3_WHERE), 0.7823, 4)
    _as_printed(mc.evaluate(N3_LOSS, step, where=N3_WHERE), 0.2455, 4)


def test_note_003_gradients_print_shared_layers_once(note_003_gradients):
    text = note_003_gradients["W1"].text_with_lets()
    lines = text.splitlines()
    assert lines[0] == "t1 = sigmoid(x * W1 + b1)"
    assert lines[1] == "t2 = sigmoid(W2 @ t1 + b2)"
    assert text.count("sigmoid(") == 3


# ---------------------------------------------------------------- a forward pass

def test_note_000_forward_pass():
    values = {"W": np.array([[-2.0, 4.0, -1.0], [6.0, 0.0, -3.0]]), "b": np.array([0.1, 0.25]),
              "a0": np.array([0.3, 0.4, 0.1])}
    np.testing.assert_allclose(mc.evaluate("W @ a0", values).ravel(), [0.9, 1.5], atol=1e-12)
    a1 = mc.evaluate("tanh(W @ a0 + b)", values).ravel()
    _as_printed(a1, [0.7616, 0.9414], 4)
    assert not np.allclose(a1, [0.76, -0.76], atol=0.01)  # the note's erratum


# ---------------------------------------------------------------- a two-layer network, [x, 1]

N2_LOSS = "0.5 * ||y - [sigmoid([x, 1] @ W1), 1] @ W2||^2"
N2_WHERE = "W2: matrix(p, 1)"


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _note_002_values(rng, n=7, h=3):
    return {"x": rng.normal(size=(n, 1)), "y": rng.normal(size=(n, 1)),
            "W1": rng.normal(size=(2, h)), "W2": rng.normal(size=(h + 1, 1))}


def _note_002_reference(v):
    X = np.hstack([v["x"], np.ones_like(v["x"])])
    Z = _sigmoid(X @ v["W1"])
    Z1 = np.hstack([Z, np.ones((Z.shape[0], 1))])
    e = v["y"] - Z1 @ v["W2"]
    W2p = v["W2"][:-1]  # without the bias row
    return {"W2": -Z1.T @ e, "W1": -X.T @ ((e @ W2p.T) * Z * (1 - Z))}


def test_note_002_dW2_closed_form():
    d = mc.derive(N2_LOSS, "W2", where=N2_WHERE)
    assert str(d) == "-[sigmoid([x, 1] @ W1), 1].T @ (y - [sigmoid([x, 1] @ W1), 1] @ W2)"
    assert d.text_with_lets().splitlines()[0] == "t1 = [sigmoid([x, 1] @ W1), 1]"
    _passes(d)


def test_note_002_dW1_passes_check():
    d = mc.derive(N2_LOSS, "W1", where=N2_WHERE)
    assert d.shape == d.wrt.shape
    _passes(d)


@pytest.mark.parametrize("n,h", [(7, 3), (5, 4), (9, 2)])
def test_note_002_gradients_equal_the_notes_formulas(n, h):
    v = _note_002_values(np.random.default_rng(n * 10 + h), n, h)
    ref = _note_002_reference(v)
    for p in ("W1", "W2"):
        value = mc.derive(N2_LOSS, p, where=N2_WHERE).evaluate(v)
        assert np.shape(value) == ref[p].shape
        np.testing.assert_allclose(value, ref[p], rtol=1e-10, atol=1e-12)


def test_note_002_training_by_gradient_descent():
    g = {p: mc.derive(N2_LOSS, p, where=N2_WHERE) for p in ("W1", "W2")}
    tree = mc.parse(N2_LOSS, N2_WHERE)
    rng = np.random.default_rng(0)
    x = np.linspace(-2, 2, 40).reshape(-1, 1)
    v = {"x": x, "y": np.sin(1.5 * x), "W1": rng.normal(size=(2, 4)), "W2": 0.5 * rng.normal(size=(5, 1))}
    start = mc.evaluate(tree, v)
    losses = [start]
    for _ in range(300):
        v = {**v, **{p: v[p] - 0.01 * g[p].evaluate(v) for p in g}}
        losses.append(mc.evaluate(tree, v))
    assert losses[-1] < 0.1 * start
    assert all(b <= a + 1e-9 for a, b in zip(losses, losses[1:], strict=False))  # small step: monotone


# ---------------------------------------------------------------- softmax cross-entropy classifier

SOFTMAX_CE = "-y.T @ log(softmax(W @ x + b))"


@pytest.mark.parametrize("param", ["W", "b"])
def test_softmax_cross_entropy_passes_check(param):
    d = mc.derive(SOFTMAX_CE, param)
    assert d.shape == d.wrt.shape
    _passes(d)


def test_softmax_cross_entropy_gradient_is_softmax_minus_y():
    rng = np.random.default_rng(11)
    k, m = 4, 6
    y = np.zeros((k, 1))
    y[2] = 1.0
    v = {"W": rng.normal(size=(k, m)), "x": rng.normal(size=(m, 1)), "b": rng.normal(size=(k, 1)), "y": y}
    z = v["W"] @ v["x"] + v["b"]
    s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    gb = mc.derive(SOFTMAX_CE, "b").evaluate(v)
    np.testing.assert_allclose(gb, s - y, atol=1e-12)
    gW = mc.derive(SOFTMAX_CE, "W").evaluate(v)
    np.testing.assert_allclose(gW, (s - y) @ v["x"].T, atol=1e-12)
    # for a general y the gradient is softmax * sum(y) - y
    v["y"] = rng.uniform(size=(k, 1))
    np.testing.assert_allclose(mc.derive(SOFTMAX_CE, "b").evaluate(v), s * v["y"].sum() - v["y"], atol=1e-12)


# ---------------------------------------------------------------- three-layer sigmoid network, L-layer MLPs

YHAT3 = "sigmoid(W3 @ sigmoid(W2 @ sigmoid(W1 @ x + b1) + b2) + b3)"
BCE3 = f"-sum(y * log({YHAT3}) + (1 - y) * log(1 - {YHAT3}))"
LAYER_PARAMS = ("W1", "b1", "W2", "b2", "W3", "b3")


@pytest.mark.parametrize("param", LAYER_PARAMS)
def test_three_layer_sigmoid_network_with_binary_cross_entropy(param):
    d = mc.derive(BCE3, param)
    assert d.shape == d.wrt.shape
    _passes(d)


def test_three_layer_output_gradients_are_yhat_minus_y():
    assert str(mc.derive(BCE3, "b3")) == f"{YHAT3} - y"
    rng = np.random.default_rng(12)
    v = {"x": rng.normal(size=(4, 1)), "y": rng.uniform(size=(2, 1)),
         "W1": rng.normal(size=(5, 4)), "b1": rng.normal(size=(5, 1)),
         "W2": rng.normal(size=(3, 5)), "b2": rng.normal(size=(3, 1)),
         "W3": rng.normal(size=(2, 3)), "b3": rng.normal(size=(2, 1))}
    a2 = _sigmoid(v["W2"] @ _sigmoid(v["W1"] @ v["x"] + v["b1"]) + v["b2"])
    yhat = _sigmoid(v["W3"] @ a2 + v["b3"])
    np.testing.assert_allclose(mc.derive(BCE3, "W3").evaluate(v), (yhat - v["y"]) @ a2.T, atol=1e-12)


def mlp(depth: int, act: str) -> str:
    """0.5*||act(WL @ ... act(W1 @ x + b1) ... + bL) - y||^2 as one expression."""
    e = "x"
    for i in range(1, depth + 1):
        e = f"{act}(W{i} @ {e} + b{i})"
    return f"0.5*||{e} - y||^2"


@pytest.mark.parametrize("act", ["tanh", "relu"])
@pytest.mark.parametrize("param", [f"{k}{i}" for i in (1, 2, 3, 4) for k in "Wb"])
def test_four_layer_mlp_gradients(act, param):
    d = mc.derive(mlp(4, act), param)
    assert d.shape == d.wrt.shape
    _passes(d)


def test_relu_mlp_uses_the_step_mask():
    d = mc.derive(mlp(2, "relu"), "W1")
    assert "step(W1 @ x + b1)" in str(d) and "sign(" not in str(d)
    assert d.text_with_lets() == "t1 = W1 @ x + b1\nt2 = W2 @ relu(t1) + b2\nW2.T @ ((relu(t2) - y) * step(t2)) * step(t1) @ x.T"


def test_linear_output_mlp_three_layers():
    e = "0.5*||W3 @ tanh(W2 @ tanh(W1 @ x + b1) + b2) + b3 - y||^2"
    for p in LAYER_PARAMS:
        _passes(mc.derive(e, p))


# ---------------------------------------------------------------- depth scaling

def _let_nodes(d) -> int:
    definitions, body = with_lets(d.expr)
    return sum(count_nodes(e) for _, e in definitions) + count_nodes(body)


def test_depth_scaling_is_linear():
    depths = range(1, 17)
    nodes, texts = {}, {}
    for depth in depths:
        d = mc.derive(mlp(depth, "tanh"), "W1")
        nodes[depth] = _let_nodes(d)
        texts[depth] = len(d.text_with_lets())
    slope = nodes[2] - nodes[1]
    slope_text = texts[2] - texts[1]
    assert slope > 0 and slope_text > 0
    for depth in depths:
        assert nodes[depth] <= nodes[1] + 1.25 * slope * (depth - 1) + 5, (depth, nodes)
        assert texts[depth] <= texts[1] + 1.25 * slope_text * (depth - 1) + 20, (depth, texts)
    assert nodes[16] / nodes[8] <= 2.3, nodes
    assert texts[16] / texts[8] <= 2.3, texts
    # the expanded tree (no let-bindings) grows faster than the let-form: sharing is what keeps it linear
    d16 = mc.derive(mlp(16, "tanh"), "W1")
    assert count_nodes(d16.expr) > 2 * nodes[16]


def test_depth_scaling_printed_form_names_every_layer_once():
    text = mc.derive(mlp(5, "tanh"), "W1").text_with_lets()
    lines = text.splitlines()
    assert lines[:5] == ["t1 = tanh(W1 @ x + b1)"] + [f"t{i} = tanh(W{i} @ t{i - 1} + b{i})" for i in range(2, 6)]
    assert lines[5].count("tanh(") == 0


# ---------------------------------------------------------------- RBF regression (item 8)

RBF = "sum((y - w*exp(-(x - c)**2 / b) - w0)**2)"
RBF_WHERE = "c, b, w, w0: scalar"


@pytest.mark.parametrize("param", ["c", "w", "w0", "b"])
def test_rbf_regression_passes_check(param):
    _passes(mc.derive(RBF, param, where=RBF_WHERE))


def test_rbf_regression_against_the_notes_formulas():
    rng = np.random.default_rng(13)
    x, y = rng.normal(size=(6, 1)), rng.normal(size=(6, 1))
    c, b, w, w0 = 0.3, 1.7, 1.2, -0.4
    v = {"x": x, "y": y, "c": c, "b": b, "w": w, "w0": w0}
    phi = np.exp(-((x - c) ** 2) / b)
    e = y - w * phi - w0
    expected = {"c": -4 * np.sum(e * w * phi * (x - c) / b), "w": -2 * np.sum(e * phi), "w0": -2 * np.sum(e)}
    for p, value in expected.items():
        assert mc.derive(RBF, p, where=RBF_WHERE).evaluate(v) == pytest.approx(value, rel=1e-10)


def test_rbf_without_weight_note_002():
    """J = Σ (y_i − φ_i)²: ∂J/∂c = −4 Σ e_i φ_i (x_i − c)/b."""
    d = mc.derive("sum((y - exp(-(x - c)**2 / b))**2)", "c", where="c, b: scalar")
    _passes(d)
    rng = np.random.default_rng(14)
    x, y = rng.normal(size=(5, 1)), rng.normal(size=(5, 1))
    phi = np.exp(-((x - 0.2) ** 2) / 0.9)
    e = y - phi
    assert d.evaluate({"x": x, "y": y, "c": 0.2, "b": 0.9}) == pytest.approx(
        -4 * np.sum(e * phi * (x - 0.2) / 0.9), rel=1e-10)


# ---------------------------------------------------------------- ReLU neuron with MSE (item 12)

def test_relu_neuron_on_active_samples():
    where = "b, N: scalar"
    C = "sum((y - relu(X@w + b))**2) / N"
    dw, db = mc.derive(C, "w", where=where), mc.derive(C, "b", where=where)
    _passes(dw)
    _passes(db)
    rng = np.random.default_rng(15)
    X = rng.uniform(0.5, 1.5, size=(6, 3))
    v = {"X": X, "w": rng.uniform(0.5, 1.0, size=(3, 1)), "b": 0.2, "y": rng.normal(size=(6, 1)), "N": 6.0}
    e = X @ v["w"] + v["b"] - v["y"]  # every sample active
    np.testing.assert_allclose(dw.evaluate(v), 2 / 6 * X.T @ e, atol=1e-12)
    assert db.evaluate(v) == pytest.approx(2 / 6 * e.sum(), rel=1e-12)


# ---------------------------------------------------------------- element-wise vocabulary

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "exp", "log", "sin", "cos", "sqrt", "abs", "square"]


@pytest.mark.parametrize("fn", ELEMENTWISE)
def test_elementwise_function_in_a_layer(fn):
    d = mc.derive(f"sum({fn}(A@x))", "x")
    assert d.shape == d.wrt.shape
    _passes(d)


@pytest.mark.parametrize("fn,derivative", [
    ("sigmoid", lambda u: _sigmoid(u) * (1 - _sigmoid(u))),
    ("tanh", lambda u: 1 - np.tanh(u) ** 2),
    ("relu", lambda u: (u > 0).astype(float)),
    ("leaky_relu", lambda u: np.where(u > 0, 1.0, 0.01)),
    ("softplus", _sigmoid),
    ("square", lambda u: 2 * u),
])
def test_elementwise_derivative_values(fn, derivative):
    rng = np.random.default_rng(16)
    A, x = rng.normal(size=(5, 3)), rng.normal(size=(3, 1))
    value = mc.derive(f"sum({fn}(A@x))", "x").evaluate({"A": A, "x": x})
    np.testing.assert_allclose(value, A.T @ derivative(A @ x), atol=1e-12)


SWISH = "swish_net_test"


@pytest.fixture(scope="module")
def swish():
    import sympy as sp

    if lookup(SWISH) is None:
        t = sp.Symbol("t")
        mc.register_function(SWISH, t / (1 + sp.exp(-t)))
    return SWISH


def test_registered_function_in_one_call(swish):
    d = mc.derive(f"sum({swish}(A@x))", "x")
    _passes(d)
    rng = np.random.default_rng(17)
    A, x = rng.normal(size=(5, 3)), rng.normal(size=(3, 1))
    u = A @ x
    expected = A.T @ (_sigmoid(u) + u * _sigmoid(u) * (1 - _sigmoid(u)))
    np.testing.assert_allclose(d.evaluate({"A": A, "x": x}), expected, atol=1e-10)
    np.testing.assert_allclose(mc.evaluate(f"{swish}(A@x)", {"A": A, "x": x}), u * _sigmoid(u), atol=1e-12)


def test_registered_function_in_a_network(swish):
    e = f"0.5*||W2 @ {swish}(W1 @ x + b1) + b2 - y||^2"
    for p in ("W1", "b1", "W2", "b2"):
        _passes(mc.derive(e, p))
