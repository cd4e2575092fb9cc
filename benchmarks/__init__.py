"""Measured comparisons with the stock tools; every number the README quotes comes from here.

Run each script from the repository root as a module, e.g.::

    python -m benchmarks.bench_autograde -n 40 --workers 2
    python -m benchmarks.bench_overview -n 1000
    python -m benchmarks.bench_reports -n 1000
    python -m benchmarks.bench_reports_api -n 5000          # as root: starts a real hub

Each one first checks that our side agrees with the stock tool, then times both. With
``--json`` it prints one JSON object on stdout (see :mod:`benchmarks.outcome`). The exit
status is 1 when the results disagree or a goal is missed, 0 otherwise.

The other modules are shared helpers, also used by the tests (tests may import
``benchmarks``; benchmarks never import ``tests``, except ``bench_reports_api``, which
starts its hub with the test suite's ``tests.support.hub``).
"""
