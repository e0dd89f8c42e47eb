"""Anchor of the high-precision benchmark (src/tools/bench-hp.ts): mpmath's Taylor `odefun` on the
flow of `flowgm stats --schedule trig` (skip connection, omega = 1) from t = 0 to t = 1.

The flow (equations/flow.eq, docs/theory.md) for the states M, Q_xi, P is linear and decoupled:
    X' = (num_X) / den_X  with  alpha = cos(pi t/2), beta = sin(pi t/2),
    M'    = (k0 a a' + k1 b b') / den M + (k2 a^2 b' + k3 a a' b) / den
    Q_xi' = (k0 a a' + k1 b b') / den Q_xi + (k4 a b b' + k5 a' b^2) / den
    P'    = (k6 a a' + k7 b b') / (k6 a^2 + k7 b^2) P
with den = k0 a^2 + k1 b^2 and the constants below, functions of n, sigma, lambda, omega (the
coefficients the symbolic layer derives from dae.eq and flow.eq; M(0) = Q_xi(0) = 0, P(0) = 1).

Usage: python3 bench/odefun.py DIGITS [N SIGMA LAMBDA]. Prints one JSON line: the digits, the
seconds odefun took (the solver built and evaluated at t = 1, imports excluded) and M, Q_xi, P
at t = 1 to DIGITS significant digits, to compare with flowgm's.
"""
import json
import sys
import time

import mpmath
from mpmath import mp, mpf


def main():
    digits = int(sys.argv[1])
    # The working precision before the parameters: mpf("0.1") at the default 15 digits is not 0.1.
    mp.dps = digits + 10
    n, sigma, lam = (mpf(x) for x in (sys.argv[2:5] if len(sys.argv) >= 5 else ("8", "1.5", "0.1")))
    omega = mpf(1)
    s2 = sigma**2
    k0 = -lam - n + lam**2 + 2 * lam * n + n**2
    k1 = lam**2 * omega + lam * n * omega + lam**2 * s2 + 2 * lam * n * s2 + n**2 * s2 - lam * s2 - n * s2
    k2 = -n + lam * n + n**2
    k3 = n - lam * n - n**2
    k4 = s2 - lam * omega - lam * s2 - n * s2
    k5 = -s2 + lam * omega + lam * s2 + n * s2
    k6 = -1 + lam + n
    k7 = lam * omega + lam * s2 + n * s2 - s2
    half_pi = mp.pi / 2

    def flow(t, x):
        m, q, p = x
        a, b = mp.cos(half_pi * t), mp.sin(half_pi * t)
        ad, bd = -half_pi * b, half_pi * a
        den = k0 * a**2 + k1 * b**2
        rate = (k0 * a * ad + k1 * b * bd) / den
        return [
            rate * m + (k2 * a**2 * bd + k3 * a * ad * b) / den,
            rate * q + (k4 * a * b * bd + k5 * ad * b**2) / den,
            (k6 * a * ad + k7 * b * bd) / (k6 * a**2 + k7 * b**2) * p,
        ]

    start = time.perf_counter()
    solution = mpmath.odefun(flow, 0, [mpf(0), mpf(0), mpf(1)])
    m, q, p = solution(1)
    seconds = time.perf_counter() - start
    text = lambda x: mpmath.nstr(x, digits, min_fixed=-mp.inf, max_fixed=mp.inf, strip_zeros=False)
    print(json.dumps({"digits": digits, "seconds": seconds, "M": text(m), "Q_xi": text(q), "P": text(p)}))


main()
