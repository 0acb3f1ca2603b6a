"""Money: the quoter, payment plans, payments, allocation, receipts, the ledger,
branches and tills, and the payment networks."""
