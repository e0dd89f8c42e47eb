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

# Fresh base noise at every t (--noise per-time): the DAE trained at t memorises its own xi_t, and the
# xi_t of different t are independent. The flow adds zeta q_xi xi_t dt along a new direction at each
# t, so the memorised part of X_t is a sum of independent increments whose squared norm is of order
# dt: in the continuous flow it vanishes, and so does Q_xi's source (docs/theory.md, fresh noise).
# A K-step sampler keeps a sum of squares instead (src/theory/discrete.ts).
[ode per-time]
Q_xi' = gamma * Q_xi

[initial]
M = 0
Q_xi = 0
P = 1

# Derived observables (keys of `flowgm stats`). cos depends on (M, Q_xi) only through their
# direction; at t = 0, where both vanish, it is evaluated at its limit t -> 0+, the direction of
# (m, q_xi) at t = 0 (see docs/theory.md).
[observables]
norm = M^2 * (omega + sigma^2 / n) + n * kinv * Q_xi^2 + P^2
cos = M * omega / sqrt(omega * (M^2 * (omega + sigma^2 / n) + n * kinv * Q_xi^2))
cos_sample = M * omega / sqrt(omega * norm)
mse = omega * (M - 1)^2 + M^2 * sigma^2 / n + n * kinv * Q_xi^2
var = P^2
# The generated cluster mean on the directions of the training set: mean = M_mu mu + Q_eta eta +
# Q_xi xi, with eta = sum_mu s^mu z^mu unnormalised (|eta|^2/d -> n), as xi.
M_mu = M
Q_eta = M * sigma / n
# How far the law of X_t is from the target rho_1 = rho N(mu, sigma^2 I) + (1 - rho) N(-mu, sigma^2 I),
# per dimension as d -> infinity (docs/theory.md, distances). The learnt field is odd, so each
# generated cluster has weight 1/2: weight_error is the total variation between the weights.
weight_error = abs(rho - 1 / 2)
# W2^2/d: the clusters are separated, so the optimal coupling pairs clusters by the optimal transport
# between the weights (mass weight_error crosses), each pair by its Gaussian coupling. The same-sign
# pairing costs mse + (|P| - sigma)^2, the crossed one 4 omega M more; written for either sign of M.
w2 = mse + (abs(P) - sigma)^2 + 2 * omega * (M - abs(M)) + 4 * weight_error * omega * abs(M)
# KL/d: each generated cluster against the nearest target cluster (the weights add O(1/d)). The
# Gaussian term r - 1 - log(r) of r = P^2/sigma^2 keeps its digits as r -> 1: r - 1 is exact there
# and log(r) has the relative accuracy of r - 1, so an error e of r moves it by (1 - 1/r) e only
# (unlike u - log(1 + u) with u formed apart from r, which loses the digits of u^2).
kl = (P^2 / sigma^2 - 1 - log(P^2 / sigma^2) + (mse + 2 * omega * (M - abs(M))) / sigma^2) / 2
kl_reverse = (sigma^2 / P^2 - 1 - log(sigma^2 / P^2) + (mse + 2 * omega * (M - abs(M))) / P^2) / 2
# Memorisation: the squared distance per dimension from a generated sample to the nearest training
# sample x1^nu (of its own cluster) and to a fresh target sample of its cluster; mem_gap < 0 means
# closer to the training set than to the target. Written as sums of squares (|X - x1^nu|^2/d term by
# term on the directions), nothing cancels as M -> 1 and sigma -> 0.
dist_train = P^2 + (M - 1)^2 * (omega + sigma^2 / n) + n * kinv * Q_xi^2 + sigma^2 * (1 - 1 / n)
dist_fresh = P^2 + mse + sigma^2
mem_gap = -2 * M * sigma^2 / n

# Observables that are infinite where a state vanishes (P = 0: the generated clusters have no
# spread, as without skip connection at t = 1); printed as null with a note.
[infinite]
kl = P
kl_reverse = P

# What the observables are, in the limit d -> infinity (checked against the forms above when
# building; src/symbolic/meaning.ts). The directions are orthogonal, each with its squared norm per
# dimension: the cluster mean mu, eta = sum_mu s^mu z^mu (the training samples' noise along their
# labels), xi, and the generated sample's own base noise x0 (independent of the training set);
# a fresh target sample's noise z; and what a training sample's noise s^nu z^nu keeps outside eta:
# s^nu z^nu = eta/n + rz, as z^nu.eta/d -> s^nu.
[directions]
mu = omega
eta = n
xi = n * kinv
x0 = 1
z = 1
rz = 1 - 1 / n

# A generated sample of the cluster s = +1 (the other is its mirror image) and that cluster's
# mean; mu_emp = (1/n) sum_mu s^mu x1^mu.
[vectors]
mu_emp = mu + sigma / n * eta
mean = M * mu_emp + Q_xi * xi
X = P * x0 + mean
# A training sample of the cluster s = +1, and a fresh target sample of that cluster.
train = mu + sigma * (eta / n + rz)
fresh = mu + sigma * z
# The Gaussian W2^2/d between the generated cluster N(mean, P^2 I) and the target cluster of the same
# sign, N(mu, sigma^2 I), and of the opposite sign (the generated cluster -mean against mu).
same = dot(mean - mu, mean - mu) + (sqrt(dot(X - mean, X - mean)) - sigma)^2
crossed = dot(mean + mu, mean + mu) + (sqrt(dot(X - mean, X - mean)) - sigma)^2
# Transport plans between the weights (1/2, 1/2) and (rho, 1 - rho) that put p on (+, +): the cost is
# linear in p, so the optimum is at a vertex, p = min(1/2, rho) or p = max(0, rho - 1/2).
most = (1 / 2 + rho - abs(1 / 2 - rho)) / 2
least = (rho - 1 / 2 + abs(rho - 1 / 2)) / 2
plan_most = (1 / 2 - rho + 2 * most) * same + (1 / 2 + rho - 2 * most) * crossed
plan_least = (1 / 2 - rho + 2 * least) * same + (1 / 2 + rho - 2 * least) * crossed
# The KL/d of two isotropic Gaussians, N(mean, P^2 I) against N(mu, sigma^2 I), and the reverse.
spread = dot(X - mean, X - mean) / sigma^2

[meaning]
norm = dot(X, X)
cos = dot(mean, mu) / sqrt(dot(mean, mean) * dot(mu, mu))
cos_sample = dot(X, mu) / sqrt(dot(X, X) * dot(mu, mu))
mse = dot(mean - mu, mean - mu)
var = dot(X - mean, X - mean)
M_mu = dot(mean, mu) / dot(mu, mu)
Q_eta = dot(mean, eta) / dot(eta, eta)
weight_error = (abs(1 / 2 - rho) + abs(1 / 2 - (1 - rho))) / 2
w2 = (plan_most + plan_least - abs(plan_most - plan_least)) / 2
kl = (spread - 1 - log(spread) + dot(mean - mu, mean - mu) / sigma^2) / 2
kl_reverse = (1 / spread - 1 - log(1 / spread) + dot(mean - mu, mean - mu) / dot(X - mean, X - mean)) / 2
dist_train = dot(X - train, X - train)
dist_fresh = dot(X - fresh, X - fresh)
mem_gap = dot(X - train, X - train) - dot(X - fresh, X - fresh)

# The 1/n constants of the distances at t = 1 (docs/theory.md, distances), from the closed form at
# t = 1: C = lim n mse(n), M(1) = M_inf + M_1/n + O(1/n^2) and P(1)^2 = P2_inf + O(1/n). The build
# checks what they assume: P(1)^2 -> sigma^2 (with skip connection) or P(1) = 0 (without), so that
# (|P| - sigma)^2 adds nothing to the 1/n term; kl's needs P(1)^2 -> sigma^2 (else kl is infinite or
# its Gaussian terms do not vanish). Checked against Richardson on w2(n), kl(n) by `flowgm rate`.
[rate]
floor_w2 = (sqrt(P2_inf) - sigma)^2 + 4 * weight_error * omega * M_inf
C_w2 = C + 4 * weight_error * omega * M_1
floor_kl = (P2_inf / sigma^2 - 1 - log(P2_inf / sigma^2)) / 2
C_kl = C / (2 * sigma^2)
