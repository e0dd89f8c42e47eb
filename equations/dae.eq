# Result A: the learnt denoising auto-encoder f(x) = c x + w sign(w.x / sqrt(d)) at one time t,
# trained on x_t^mu = alpha x0^mu + beta x1^mu -> x1^mu with ridge lambda on w (docs/theory.md section 3).
# Symbols: alpha, beta (schedule at t), n, sigma, lambda, omega, and kinv = 1/k for k base-noise draws
# x0^{mu,j}, j = 1..k, per training sample (the n k pairs (x1^mu, x0^{mu,j}) at every t; kinv = 1 is
# one draw, kinv = 0 the limit k -> infinity). The minimiser is w = m mu_emp + q_xi xi with
# xi = (1/k) sum_{mu,j} s^mu x0^{mu,j}, the draws' mean (so |xi|^2/d -> n/k; for k = 1 the sum over mu).

[definitions]
K = n + (lambda - 1) * kinv
Lambda = lambda * kinv * (omega + sigma^2) + (n - 1) * sigma^2
D = alpha^2 * K + beta^2 * Lambda

# Stationarity of the empirical risk with the sign pattern sign(w.x_t^{mu,j}) = s^mu, each written as
# residual = 0 in the unknowns c, m, q_xi, divided by k. The w-gradient projected on mu_emp and xi
# (named grad_w_*; without skip connection, c = 0 and these alone determine w): the data terms sum
# over the n k pairs, sum_{mu,j} s^mu x1^mu = k n mu_emp and sum_{mu,j} s^mu x_t^{mu,j} = k (alpha xi
# + beta n mu_emp), while the ridge lambda w is counted once, hence lambda kinv; then the c-gradient,
# using |x_t|^2/d -> alpha^2 + beta^2 (omega + sigma^2) per pair and xi.x0^{mu,j}/d -> s^mu kinv.
[stationarity]
grad_w_mu = (n + lambda * kinv) * m - n * (1 - c * beta)
grad_w_xi = (n + lambda * kinv) * q_xi + c * alpha
grad_c = c * n * (alpha^2 + beta^2 * (omega + sigma^2)) - n * beta * (omega + sigma^2) + q_xi * alpha * n * kinv + m * beta * (n * omega + sigma^2)

# The published closed form of Result A. The code solves the stationarity equations itself and
# checks that they agree with these exactly (equal rational functions in normal form).
[solution]
c = beta * Lambda / D
m = n * alpha^2 * K / ((n + lambda * kinv) * D)
q_xi = -alpha * beta * Lambda / ((n + lambda * kinv) * D)

# Derived observables of the DAE (keys of `flowgm dae`).
[observables]
w_norm2 = m^2 * (omega + sigma^2 / n) + n * kinv * q_xi^2
w_cos = m * omega / sqrt(omega * w_norm2)
test_mse = (1 - c * beta)^2 * (omega + sigma^2) + c^2 * alpha^2 + w_norm2 - 2 * (1 - c * beta) * m * omega
oracle_mse = alpha^2 * sigma^2 / (alpha^2 + beta^2 * sigma^2)
# s^mu w.x_t^mu / d for a training sample: m mu_emp.x_t^mu/d + q_xi xi.x_t^mu/d.
margin = m * beta * (n * omega + sigma^2) / n + q_xi * alpha * kinv
# w on the directions of the training set: w = m_mu mu + q_eta eta + q_xi xi, with eta = sum_mu s^mu z^mu
# unnormalised (|eta|^2/d -> n), as xi.
m_mu = m
q_eta = m * sigma / n

# Claims of docs/theory.md section 3, checked against the above (with the skip connection), not
# used to compute.
[claims]
margin = alpha^2 * beta * (omega * (n - kinv) + sigma^2 * (1 - kinv)) / D

# What the observables are, in the limit d -> infinity (checked against the forms above when
# building; src/symbolic/meaning.ts). The directions are orthogonal, each with its squared norm per
# dimension: mu; eta = sum_mu s^mu z^mu; xi; a fresh test pair's base noise x0 and sample noise z;
# and what a training pair's (x0^mu, z^mu), times s^mu, keeps outside xi and eta: s^mu x0^mu =
# xi/n + r0 and s^mu z^mu = eta/n + rz, as x0^mu.xi/d -> s^mu.
[directions]
mu = omega
eta = n
xi = n * kinv
x0 = 1
z = 1
r0 = 1 - kinv / n
rz = 1 - 1 / n

[vectors]
mu_emp = mu + sigma / n * eta
w = m * mu_emp + q_xi * xi
# A fresh test sample of the cluster s = +1 at time t. sign(w.x_t) = s, as w.x_t/d -> m beta omega > 0.
x1 = mu + sigma * z
xt = alpha * x0 + beta * x1
error = c * xt + w - x1
# The oracle that knows mu and s: x1 given x_t is Gaussian, so E[x1 | x_t] = mu + kappa (x_t - beta mu)
# for the best kappa.
oracle_error = mu + kappa * (xt - beta * mu) - x1
# A training sample times its label, at time t.
train_xt = alpha * (xi / n + r0) + beta * (mu + sigma * (eta / n + rz))

[meaning]
w_norm2 = dot(w, w)
w_cos = dot(w, mu) / sqrt(dot(w, w) * dot(mu, mu))
test_mse = dot(error, error)
oracle_mse = minimise(kappa, dot(oracle_error, oracle_error))
margin = dot(w, train_xt)
m_mu = dot(w, mu) / dot(mu, mu)
q_eta = dot(w, eta) / dot(eta, eta)
