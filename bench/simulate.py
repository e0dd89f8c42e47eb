"""The numpy anchor of flowgm's simulation bench (src/tools/bench-simulate.ts, `npm run bench`).

The protocol of `flowgm simulate` with the exact trainer and Euler steps (src/simulate: data.ts,
train.ts exactTrainer, runge-kutta.ts, measure.ts, distances.ts), written as a user would in numpy,
float64: draw mu (|mu|^2 = d), the labels, x1 = s mu + sigma z, x0 and P particles from N(0, I_d);
at each t_k = k/K (linear schedule alpha = 1 - t, beta = t, skip connection) fit the DAE in closed
form, measure the particles from their dots with (u, A, xi, mu), one matrix product X @ U, and move
them, X <- a X + c v^T, one in-place update (a block of rows at a time, so that no P x d temporary
is made); the squared norms follow from the dots (|a x + c v|^2 = a^2 |x|^2 + 2 a c x.v + c^2 |v|^2,
v is a multiple of u) instead of a second pass. At t = 1: the measurements, the generated cluster
mean's mse and the distances to the training and to n fresh samples. Its own random stream
(numpy's), so its M and mse agree with flowgm's within the finite-d fluctuation, not to the bit.

FORM (optional) is `blocked`, the update above, or `plain`, the one-line update a numpy user
writes first, X = a X + outer(c, v) (two P x d temporaries), and the norms by a second pass,
einsum("ij,ij->i", X, X): the lean script of the issue.

    python3 bench/simulate.py D P K N [FORM]   ->   one JSON line: {"seconds": ..., "M": ..., "mse": ..., "peak_kib": ..., "base_kib": ...}

peak_kib is the process's peak RSS, base_kib its peak RSS before the run (python and numpy loaded).
"""

import json
import resource
import sys
import time

import numpy as np

SIGMA, LAMBDA, SEED = 1.5, 0.1, 0
ROWS = 8  # rows per block of the update: its temporary stays in cache


def main(d: int, P: int, K: int, n: int, form: str) -> dict:
    base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    g = np.random.default_rng(SEED)
    mu = g.standard_normal(d)
    mu *= np.sqrt(d / (mu @ mu))
    s = np.where(g.random(n) < 0.5, 1.0, -1.0)
    x1 = s[:, None] * mu + SIGMA * g.standard_normal((n, d))
    x0 = g.standard_normal((n, d))
    X = g.standard_normal((P, d))
    A, xi = s @ x1, s @ x0
    nl = n + LAMBDA
    S00, S01, S11 = np.einsum("ij,ij->", x0, x0), np.einsum("ij,ij->", x0, x1), np.einsum("ij,ij->", x1, x1)
    a_, b_, e_ = S00 - xi @ xi / nl, S01 - A @ xi / nl, S11 - A @ A / nl
    AA, Axi, xixi, mumu = A @ A, A @ xi, xi @ xi, mu @ mu
    det = AA * xixi - Axi * Axi
    norms = np.einsum("ij,ij->i", X, X)
    rows = []

    def measure(t, dA, dxi, dmu):
        sg = np.where(dA >= 0, 1.0, -1.0)
        proj = (xixi * dA * dA - 2 * Axi * dA * dxi + AA * dxi * dxi) / det
        return sg, {"t": t, "M": (sg @ dA / P) * n / AA, "Q_xi": sg @ dxi / P / xixi, "P": np.sqrt(max(0.0, np.mean(norms - proj) / d)),
                    "norm": norms.mean() / d, "cos_sample": np.mean(sg * dmu / np.sqrt(norms * mumu)), "weight": np.mean(dmu > 0)}

    for k in range(K):
        t = k / K
        alpha, beta = 1 - t, t
        xt = alpha * x0 + beta * x1
        den = alpha * alpha * a_ + 2 * alpha * beta * b_ + beta * beta * e_
        c = (alpha * b_ + beta * e_) / den
        r = (alpha * a_ + beta * b_) / den
        u = r * A - c * xi
        w = alpha * u / nl
        # The fit's diagnostics, as flowgm's trainer computes them: sign agreement and the gradient.
        consistent = np.mean(np.sign(xt @ u) == s)
        res = x1 - c * xt
        gw = nl * w - s @ res
        gc = -np.einsum("ij,ij->", xt, res - s[:, None] * w)
        gradnorm = np.sqrt(gw @ gw / d + (gc / d) ** 2) / n
        gamma, v = -r + c, u / nl  # alpha' = -1, beta' = 1: W = alpha + beta = 1
        dots = X @ np.stack([u, A, xi, mu], axis=1)
        _, row = measure(t, dots[:, 1], dots[:, 2], dots[:, 3])
        rows.append({**row, "c": c, "self_consistent": consistent, "grad_norm": gradnorm})
        h = 1 / K
        scale = 1 + h * gamma
        coef = h * np.where(dots[:, 0] >= 0, 1.0, -1.0)
        if form == "plain":
            X = scale * X + np.outer(coef, v)
            norms = np.einsum("ij,ij->i", X, X)
            continue
        for lo in range(0, P, ROWS):
            block = X[lo : lo + ROWS]
            block *= scale
            block += coef[lo : lo + ROWS, None] * v
        norms = scale * scale * norms + 2 * scale * coef * (dots[:, 0] / nl) + coef * coef * (v @ v)
    dots = X @ np.stack([A, xi, mu], axis=1)
    norms = np.einsum("ij,ij->i", X, X)
    signs, last = measure(1.0, dots[:, 0], dots[:, 1], dots[:, 2])
    mean = (signs / P) @ X
    mse = (mean - mu) @ (mean - mu) / d - last["P"] ** 2 / P
    fresh = s[:, None] * mu + SIGMA * g.standard_normal((n, d))
    nearest = lambda Y: np.mean(np.min(norms[:, None] + np.einsum("ij,ij->i", Y, Y)[None, :] - 2 * (X @ Y.T), axis=1)) / d
    dist_train, dist_fresh = nearest(x1), nearest(fresh)
    return {"seconds": time.perf_counter() - start, "M": last["M"], "Q_xi": last["Q_xi"], "P": last["P"], "mse": mse,
            "dist_train": dist_train, "dist_fresh": dist_fresh, "steps": len(rows), "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "base_kib": base_kib}


if __name__ == "__main__":
    d, P, K, n = (int(float(x)) for x in sys.argv[1:5])
    form = sys.argv[5] if len(sys.argv) > 5 else "blocked"
    if form not in ("blocked", "plain"):
        sys.exit(f"FORM must be blocked or plain (got {form})")
    print(json.dumps(main(d, P, K, n, form)))
