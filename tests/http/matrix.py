# matrix.py - the access-matrix test (filled in with pt_access)
def run(res, port, protect, db):
    pass
