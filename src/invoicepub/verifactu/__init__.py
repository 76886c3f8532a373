"""VERI*FACTU (SPEC §12): the records a Spanish business's invoicing system keeps and sends to
the AEAT under Real Decreto 1007/2023 and Orden HAC/1177/2024."""
