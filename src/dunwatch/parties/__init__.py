"""Parties: phone numbers and handles, normalised, with roles and the reason for each role."""
