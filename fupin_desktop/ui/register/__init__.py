"""The registers: organizations, villages and households, pairings, campaigns and evaluations."""
