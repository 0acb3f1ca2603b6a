"""The demo: a real portfolio, written as an Argentine creditor sends it.

``conversion`` turns the shipped UCI data set into a creditor file,
``synthetic`` makes up the debtors' identity and contact data it lacks, and
``fixtures`` creates the demo creditor, its import profile and its users.
"""
