"""Helpers every page uses (tables, …), kept apart from the pages so that importing one does not
import another page's module and what stands behind it."""
