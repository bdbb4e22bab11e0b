# api.py - HTTP tests of the API with a session: (filled in as the handlers land)
TESTS = []
