"""Survey statistics (问卷调查), pure: sample size, allocation and quotas, rates, post-stratification weights,
Kish's effective sample size and the Wilson interval. No Django; ``mypy --strict``. See ``docs/surveys.md``."""

from .rates import Estimate, Interval, cell_weights, estimate, kish_n_eff, percent_text, wilson
from .sampling import Z95, QuotaFill, SampleSize, allocate, quota_fill, sample_size

__all__ = [
    "Z95", "Estimate", "Interval", "QuotaFill", "SampleSize", "allocate", "cell_weights", "estimate", "kish_n_eff",
    "percent_text", "quota_fill", "sample_size", "wilson",
]
