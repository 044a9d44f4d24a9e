"""The one place the fuzzed hub's settings are made: every HUB_* variable of the fuzz run.

Both the short run of the test suite (tests/fuzz/test_fuzz.py) and the full one
(bench/fuzz.py) start `hub serve` with these, on top of the database (and Redis) URL.
Settings that other parts of the hub add (rate limits, cost budgets) go here too: generous
enough that most operations reach the code behind the limits, tight enough that refusals
still show up among the answers.
"""

from __future__ import annotations

FUZZ_ENV: dict[str, str] = {
    # English messages: the reports and findings are read by developers.
    "HUB_DEFAULT_LANGUAGE": "en",
    # No background jobs and no outbound requests: the fuzz run looks at answers only.
    "HUB_IN_PROCESS_JOBS": "false",
    "HUB_LINKCHECK_ENABLED": "false",
    # One server process: its log is the one the run scans for tracebacks.
    "HUB_WORKERS": "1",
    # The read cache stays on, as in production: cached answers are checked like the others.
    "HUB_READ_CACHE_SECONDS": "5",
    # Rate limits twenty times the defaults (every request comes from one address): most
    # operations reach the code behind the limits, and bursts still meet RATE_LIMITED.
    "HUB_RATE_LIMITS": "x20",
    # The cost budgets stay the defaults: costly documents must meet QUERY_TOO_COSTLY.
}
