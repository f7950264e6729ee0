"""Helpers every app shares (cleaning typed text, accessible forms); imports no app."""
