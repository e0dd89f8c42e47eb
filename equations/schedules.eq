# Named interpolation schedules, x_t = alpha(t) x0 + beta(t) x1.
# Convention (docs/theory.md section 1): alpha multiplies the base noise x0, beta the target sample x1;
# alpha(0) = beta(1) = 1, alpha(1) = beta(0) = 0. Their time derivatives are derived, never typed.

[schedule linear]
alpha = 1 - t
beta = t

[schedule trig]
alpha = cos(pi * t / 2)
beta = sin(pi * t / 2)
