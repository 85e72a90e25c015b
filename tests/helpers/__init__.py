"""What tests share besides fixtures: builders, readers and clients, imported like any module.

conftest.py files hold fixtures only; no test imports from one.
"""
