"""Open data exports: the public entries and organizations as CSV, HXL-tagged CSV and JSON.

Plain Python, no I/O: records are built from domain objects (`records`), written as bytes batch
by batch (`encoders`), and asked for by file name and query parameters (`request`). The SQL is
in `hub/store/exports.py` and the route in `hub/http/exports.py`. The columns are the contract
of `hub/domain/open_data.py`, shared with imports.
"""
