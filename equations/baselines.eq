# Baselines at the same sample size n (docs/theory.md section 5): estimators of the cluster mean mu from
# the n training samples x1 = s mu + sigma z, errors normalised by d, in the limit d -> infinity.
# Symbols: n, sigma, omega (the baselines know sigma; lambda and the schedule play no part).

# Bayes-optimal: the posterior mean of mu under the prior N(0, omega I), labels recovered up to a
# global sign (the Gram matrix tends to omega s s^T + sigma^2 I).
[observables]
bo_mse = omega * sigma^2 / (n * omega + sigma^2)
bo_cos = sqrt(n * omega / (n * omega + sigma^2))
# PCA: the top eigenvector of the Gram matrix mapped back to R^d, length from the spectrum.
pca_cos = sqrt(n * omega / (n * omega + sigma^2))
# 2 omega (1 - pca_cos) (the claim below) loses log10(n) digits as pca_cos -> 1; written with
# 1 - pca_cos = (1 - pca_cos^2) / (1 + pca_cos) and 1 - pca_cos^2 = sigma^2 / (n omega + sigma^2),
# it subtracts nothing.
pca_mse = 2 * omega * sigma^2 / ((n * omega + sigma^2) * (1 + pca_cos))

# The definitions the cancellation-free forms above must equal (checked exactly, not computed).
[claims]
pca_mse = 2 * omega * (1 - pca_cos)

# What the observables are, in the limit d -> infinity (checked against the forms above when
# building; src/symbolic/meaning.ts): mu and eta = sum_mu s^mu z^mu are orthogonal, with squared
# norms per dimension omega and n; mu_emp = (1/n) sum_mu s^mu x1^mu with the labels recovered.
[directions]
mu = omega
eta = n

[vectors]
mu_emp = mu + sigma / n * eta
# The posterior mean is linear in mu_emp (Gaussian prior, Gaussian noise): the best kappa mu_emp.
bo_error = kappa * mu_emp - mu
# PCA: the top eigenvector of the Gram matrix gives the direction of mu_emp, the spectrum omega.
pca_error = sqrt(omega / dot(mu_emp, mu_emp)) * mu_emp - mu

[meaning]
bo_mse = minimise(kappa, dot(bo_error, bo_error))
bo_cos = dot(mu_emp, mu) / sqrt(dot(mu_emp, mu_emp) * dot(mu, mu))
pca_cos = dot(mu_emp, mu) / sqrt(dot(mu_emp, mu_emp) * dot(mu, mu))
pca_mse = dot(pca_error, pca_error)
