"""The accounts app's pages, one module per noun (profile, tokens, two_factor, email, sessions).

Nothing is imported here: each view is imported from its own module (accounts/urls.py does).
"""
