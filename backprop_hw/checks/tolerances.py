"""Every tolerance the hidden tests use, each with the reason for its size.

A correct answer must never fail and every typical mistake must: each bound
below sits several orders of magnitude from both sides.
"""

# Values (sigmoid, loss, forward pass, updates) against the answer key.
# Correct variants differ by rounding only: 1e-15 relative in float64, 1e-7 if a
# student computes in float32. The smallest typical mistake (a missing 1/m,
# a wrong derivative) changes values by 1e-2 or more.
VALUE_RTOL = 1e-5
VALUE_ATOL = 1e-8

# Analytic gradients against central differences, compared by
# relative_difference (a norm ratio). With the step below, float64 central
# differences of J agree with the exact gradient to about 1e-9 (truncation
# ~ h² = 1e-12, rounding ~ 1e-16 / h = 1e-10). A missing 1/m with m ≥ 2 gives at
# least 1/3, a sign flip 1, sigmoid′ instead of tanh′ about 0.3.
NUMERICAL_STEP = 1e-6
GRADIENT_RTOL = 1e-5

# gradient_check's result: with the correct backward pass, two-sided
# differences at the default ε = 1e-7 leave about 1e-9 (rounding 1e-16 / 1e-7);
# a correct gradient_check must stay below this. Dividing by ε instead of 2ε
# gives 1/3, a sum instead of the L2 norm changes the result by a factor of
# the number of parameters.
GRADIENT_CHECK_CORRECT_BELOW = 1e-6
# With a broken backward pass the student's difference must match ours: both
# are norm ratios of the same finite differences, equal to ~1e-6 relative.
GRADIENT_CHECK_RTOL = 1e-3

# Training. Parameters after a short seeded run must match the answer key's
# run: the same draws and the same arithmetic, up to rounding amplified by a
# few hundred steps (1e-10 seen); a wrong step size, update sign, reseeding or
# zero initialisation moves them by far more than 1e-4.
TRAINING_RTOL = 1e-4
TRAINING_ATOL = 1e-6
# Accuracy the reference reaches on the flower set (about 0.90 after 10,000
# iterations; the hidden run is shorter) minus a margin for the shorter run.
FLOWER_ACCURACY_AT_LEAST = 0.85
HIDDEN_SET_ACCURACY_AT_LEAST = 0.90

# A vectorized function executes the same number of its own lines whatever
# the number of examples m; a Python loop over examples executes at least one
# more line per example. Lines counted at m = SMALL_M and LARGE_M may differ by
# at most LOOP_LINES_ALLOWED (a loop adds at least LARGE_M − SMALL_M = 36).
SMALL_M, LARGE_M = 4, 40
LOOP_LINES_ALLOWED = 10
