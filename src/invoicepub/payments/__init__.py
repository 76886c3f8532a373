"""Ways to pay: one module per payment rail, each building the exact payload a payer's app reads."""
