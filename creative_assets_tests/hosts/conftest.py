"""The several-hosts tests take minutes (a whole campaign on Celery workers): marked `slow`, so
`pytest -m "not slow"` leaves them out."""


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "slow: takes minutes (a campaign across worker hosts)")
