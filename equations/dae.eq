# Result A: the learnt denoising auto-encoder f(x) = c x + w sign(w.x / sqrt(d)) at one time t,
# trained on x_t^mu = alpha x0^mu + beta x1^mu -> x1^mu with ridge lambda on w (THEORY.md section 3).
# Symbols: alpha, beta (schedule at t), n, sigma, lambda, omega. The minimiser is
# w = m mu_emp + q_xi xi with xi = sum_mu s^mu x0^mu (unnormalised, so |xi|^2/d -> n).

[definitions]
K = n + lambda - 1
Lambda = lambda * (omega + sigma^2) + (n - 1) * sigma^2
D = alpha^2 * K + beta^2 * Lambda

# Stationarity of the empirical risk with the sign pattern sign(w.x_t^mu) = s^mu, each written as
# residual = 0 in the unknowns c, m, q_xi. The w-gradient projected on mu_emp and xi (named grad_w_*;
# without skip connection, c = 0 and these alone determine w); then the c-gradient, using |x_t|^2/d -> alpha^2 + beta^2 (omega + sigma^2).
[stationarity]
grad_w_mu = (n + lambda) * m - n * (1 - c * beta)
grad_w_xi = (n + lambda) * q_xi + c * alpha
grad_c = c * n * (alpha^2 + beta^2 * (omega + sigma^2)) - n * beta * (omega + sigma^2) + q_xi * alpha * n + m * beta * (n * omega + sigma^2)

# The published closed form of Result A. The code solves the stationarity equations itself and
# checks that they agree with these exactly (equal rational functions in normal form).
[solution]
c = beta * Lambda / D
m = n * alpha^2 * K / ((n + lambda) * D)
q_xi = -alpha * beta * Lambda / ((n + lambda) * D)

# Derived observables of the DAE (keys of `flowgm dae`).
[observables]
w_norm2 = m^2 * (omega + sigma^2 / n) + n * q_xi^2
w_cos = m * omega / sqrt(omega * w_norm2)
test_mse = (1 - c * beta)^2 * (omega + sigma^2) + c^2 * alpha^2 + w_norm2 - 2 * (1 - c * beta) * m * omega
oracle_mse = alpha^2 * sigma^2 / (alpha^2 + beta^2 * sigma^2)
# s^mu w.x_t^mu / d for a training sample: m mu_emp.x_t^mu/d + q_xi xi.x_t^mu/d.
margin = m * beta * (n * omega + sigma^2) / n + q_xi * alpha

# Claims of THEORY.md checked against the above (with the skip connection), not used to compute.
[claims]
margin = alpha^2 * beta * omega * (n - 1) / D
