"""Qt item models behind the grids of the forms."""
