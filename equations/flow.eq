# Result B: the generative flow dX/dt = b(X), b(x) = (alphadot/alpha) x + zeta f(x), started from
# X_0 ~ N(0, I). A sample is X_t = P x0 + s (M mu_emp + Q_xi xi) (docs/theory.md section 4).
# Symbols: alpha, beta, alphadot, betadot, the DAE quantities c, m, q_xi of dae.eq, and the state.

[definitions]
zeta = betadot - alphadot * beta / alpha
gamma = alphadot / alpha + zeta * c

# Linear ODE for the summary statistics; the 1/alpha of gamma and zeta is removed by the code.
[ode]
M' = gamma * M + zeta * m
Q_xi' = gamma * Q_xi + zeta * q_xi
P' = gamma * P

[initial]
M = 0
Q_xi = 0
P = 1

# Derived observables (keys of `flowgm stats`). cos depends on (M, Q_xi) only through their
# direction; at t = 0, where both vanish, it is evaluated at its limit t -> 0+, the direction of
# (m, q_xi) at t = 0 (see docs/theory.md).
[observables]
norm = M^2 * (omega + sigma^2 / n) + n * Q_xi^2 + P^2
cos = M * omega / sqrt(omega * (M^2 * (omega + sigma^2 / n) + n * Q_xi^2))
cos_sample = M * omega / sqrt(omega * norm)
mse = omega * (M - 1)^2 + M^2 * sigma^2 / n + n * Q_xi^2
var = P^2

# What the observables are, in the limit d -> infinity (checked against the forms above when
# building; src/symbolic/meaning.ts). The directions are orthogonal, each with its squared norm per
# dimension: the cluster mean mu, eta = sum_mu s^mu z^mu (the training samples' noise along their
# labels), xi, and the generated sample's own base noise x0 (independent of the training set).
[directions]
mu = omega
eta = n
xi = n
x0 = 1

# A generated sample of the cluster s = +1 (the other is its mirror image) and that cluster's
# mean; mu_emp = (1/n) sum_mu s^mu x1^mu.
[vectors]
mu_emp = mu + sigma / n * eta
mean = M * mu_emp + Q_xi * xi
X = P * x0 + mean

[meaning]
norm = dot(X, X)
cos = dot(mean, mu) / sqrt(dot(mean, mean) * dot(mu, mu))
cos_sample = dot(X, mu) / sqrt(dot(X, X) * dot(mu, mu))
mse = dot(mean - mu, mean - mu)
var = dot(X - mean, X - mean)
