"""Payment networks: Pago Fácil / Rapipago slips and Pago Mis Cuentas files."""
